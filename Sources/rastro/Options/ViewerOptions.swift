import ArgumentParser
import RastroStore

/// Whose eyes a read uses. Defaults to the node's own organization.
struct ViewerOptions: ParsableArguments {
    @Option(name: .customLong("as"), help: ArgumentHelp("Read as this organization (default: the node's organization).", valueName: "org"))
    var organization: String?

    @Option(name: .customLong("as-country"), help: ArgumentHelp("The country of --as (default: the node's country).", valueName: "cc"))
    var country: String?

    func viewer(_ settings: NodeSettings) -> Viewer {
        guard let organization else { return settings.viewer }
        return Viewer(organization: organization, country: country ?? settings.country)
    }
}
