import ArgumentParser
import RastroModel
import RastroStore

/// Whose eyes a read uses: a user of the node, a member organization, or (to preview what a
/// partner would be shown before it is a member) an organization and its country. Defaults to the
/// node's own organization.
///
/// The command line trusts its operator: whoever can open the database is the node's operator.
/// `--as` lets the operator read exactly as someone else would; partners' own access goes through
/// API tokens (`rastro token`).
struct ViewerOptions: ParsableArguments {
    @Option(name: .customLong("as"), help: ArgumentHelp(
        "Read as this user or member organization (default: the node's organization). Also RASTRO_USER.", valueName: "who"))
    var identity: String?

    @Option(name: .customLong("as-country"), help: ArgumentHelp(
        "Preview as an organization that is not a member: its country.", valueName: "cc"))
    var country: String?

    func viewer(_ store: Store, _ settings: NodeSettings) async throws -> Viewer {
        let environment = Environment.value("RASTRO_USER").flatMap { $0.isEmpty ? nil : $0 }
        guard let identity = identity ?? environment else { return settings.viewer }
        if let user = try await store.user(identity) {
            if user.disabledAt != nil { throw Failure(code: Failure.usage, message: "user \(identity) is disabled") }
            let country = try await store.member(user.orgID)?.country ?? settings.country
            return Viewer(organization: user.orgID, country: country, roles: [user.role], user: user.userID)
        }
        if let member = try await store.member(identity) {
            return Viewer(organization: member.orgID, country: member.country)
        }
        if let country {
            guard Marking.isValidParty(identity), Countries.shipped.contains(country.uppercased()) else {
                throw Failure(code: Failure.usage, message: "--as must be an organization id (letters, digits, - . _) and --as-country an ISO code")
            }
            return Viewer(organization: identity, country: country)
        }
        throw Failure(code: Failure.usage, message: """
            no user or member organization \(identity) on this node: add it (rastro org add, rastro user add), \
            or preview a non-member with --as-country CC
            """)
    }
}
