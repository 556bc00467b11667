import ArgumentParser
import RastroModel
import RastroStore

struct Stats: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Count the records you may see, per kind, originator and TLP.",
        discussion: """
            Counts current records and all versions that the viewer (by default the node's own \
            organization; --as another) is allowed to see: nothing else is counted.

            Examples:
              rastro stats
              rastro stats --as US-CBP --as-country US --json
            """)

    @OptionGroup var store: DatabaseOptions
    @OptionGroup var viewer: ViewerOptions

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    func run() async throws {
        let store = try await store.open()
        let settings = try await store.settings()
        let viewer = try await viewer.viewer(store, settings)
        // The first count after a load rebuilds the marking census (the node's own derived data;
        // if that fails, the counts come from a scan); later ones sum it.
        if try await store.markingCensusIsStale() { _ = try? await store.refreshMarkingCensus() }
        let stats = try await store.stats(viewer: viewer, audit: AuditEvent(viewer, "read", detail: "stats"))
        await store.close()
        if json {
            try Terminal.json(stats)
            return
        }
        Terminal.table(["kind", "originator", "tlp", "records", "versions"], stats.map { row in
            [row.kind.rawValue, row.originator, row.tlp.label, "\(row.records)", "\(row.versions)"]
        })
        let byKind = Dictionary(grouping: stats, by: \.kind)
        print("")
        Terminal.table(["kind", "records"], Kind.allCases.map { kind in
            [kind.rawValue, "\(byKind[kind]?.reduce(0) { $0 + $1.records } ?? 0)"]
        })
    }
}
