import ArgumentParser
import RastroModel
import RastroStore

struct Init: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create or upgrade a store and record the node's organization.",
        discussion: """
            Creates the schema (or applies pending migrations) and records which organization runs \
            this node: it becomes the originator of loaded rows that name none. Safe to run again.

            Examples:
              rastro init                                   # ./rastro.db, organization LOCAL, MX
              rastro init --database postgres://rastro@127.0.0.1:5432/rastro --organization MX-SAT --country MX
            """)

    @OptionGroup var store: DatabaseOptions

    @Option(help: ArgumentHelp("The organization that runs this node.", valueName: "org"))
    var organization = "LOCAL"

    @Option(help: ArgumentHelp("The node's country, ISO 3166-1 alpha-2.", valueName: "cc"))
    var country = "MX"

    @Option(name: .customLong("default-tlp"), help: ArgumentHelp("TLP of loaded rows that carry none: clear, green, amber, amber+strict, red.", valueName: "level"))
    var defaultTLP = "amber"

    func validate() throws {
        guard Marking.isValidParty(organization) else {
            throw ValidationError("--organization must be letters, digits, - . _ (2 to 64 characters)")
        }
        guard Countries.shipped.contains(country.uppercased()) else {
            throw ValidationError("--country must be an ISO 3166-1 alpha-2 code such as MX or US")
        }
        guard TLP(parsing: defaultTLP) != nil else {
            throw ValidationError("--default-tlp must be clear, green, amber, amber+strict or red")
        }
    }

    func run() async throws {
        let store = try await store.open()
        let settings = NodeSettings(organization: organization, country: country, defaultTLP: TLP(parsing: defaultTLP)!)
        do {
            try await store.initialize(settings)
        } catch {
            await store.close()
            throw error
        }
        await store.close()
        print("initialized \(store.url) for \(settings.organization) (\(settings.country)), default \(settings.defaultTLP.label)")
    }
}
