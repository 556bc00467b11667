import ArgumentParser
import RastroModel
import RastroStore

struct Show: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show every version of one record, with its marking and provenance.",
        discussion: """
            KIND is a contract kind (consignments, transfers, track_points …); ID its id (for track \
            points VEHICLE@TIME with the time in UTC, e.g. TRK-9@2026-03-02T20:05:00Z). Only versions \
            the viewer may see are shown.

            Examples:
              rastro show consignments 26-16-3420-6003318
              rastro show organizations ORG-006 --json
            """)

    @OptionGroup var store: DatabaseOptions
    @OptionGroup var viewer: ViewerOptions

    @Argument(help: ArgumentHelp("The kind of record.", valueName: "kind"))
    var kind: String

    @Argument(help: ArgumentHelp("The record id.", valueName: "id"))
    var id: String

    @Flag(help: "Print JSON.")
    var json = false

    func validate() throws {
        guard Kind(rawValue: kind) != nil else {
            throw ValidationError("KIND must be one of: \(Kind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
    }

    func run() async throws {
        let kind = Kind(rawValue: kind)!
        let store = try await store.open()
        let settings = try await store.settings()
        let viewer = try await viewer.viewer(store, settings)
        let versions = try await store.withAuditedRead({ try await store.versions(of: kind, id: id, viewer: viewer) }, audit: { found in
            found.isEmpty ? [] : [AuditEvent(viewer, "read", objects: [kind.rawValue + "/" + id], detail: "show")]
        })
        await store.close()
        guard !versions.isEmpty else {
            throw Failure(code: Failure.rejectedInput, message: "no \(kind.rawValue) record \(id) that you may see")
        }
        if json {
            try Terminal.json(versions.map(VersionJSON.init))
            return
        }
        for stored in versions {
            let marking = stored.record.marking
            print("version \(stored.version)\(stored.isCurrent ? " (current)" : "")  \(marking.tlp.label)  originator \(marking.originator)"
                  + (marking.releasableTo.isEmpty ? "" : "  releasable to \(marking.releasableTo.joined(separator: ";"))"))
            print("  from \(stored.provenance.sourceFile):\(stored.provenance.line)  load \(stored.provenance.loadID) at \(stored.provenance.loadedAt)")
            for (field, value) in zip(kind.schema.fields, stored.record.values) where value != .null {
                print("  \(field.name): \(value.display)")
            }
            if let reference = stored.record.chemicalRef { print("  (catalog chemical: \(reference))") }
            for attribute in stored.record.attributes { print("  \(attribute.name) (extra): \(attribute.value)") }
        }
    }
}

/// The `--json` form of a stored version.
struct VersionJSON: Encodable {
    var kind: String
    var id: String
    var version: Int
    var current: Bool
    var fields: [String: String]
    var attributes: [String: String]
    var chemicalRef: String?
    var tlp: String
    var releasableTo: [String]
    var originator: String
    var provenance: Provenance

    init(_ stored: StoredVersion) {
        kind = stored.record.kind.rawValue
        id = stored.record.id
        version = stored.version
        current = stored.isCurrent
        var fields: [String: String] = [:]
        for (field, value) in zip(stored.record.kind.schema.fields, stored.record.values) where value != .null {
            fields[field.name] = value.display
        }
        self.fields = fields
        attributes = Dictionary(uniqueKeysWithValues: stored.record.attributes.map { ($0.name, $0.value) })
        chemicalRef = stored.record.chemicalRef
        tlp = stored.record.marking.tlp.rawValue
        releasableTo = stored.record.marking.releasableTo
        originator = stored.record.marking.originator
        provenance = stored.provenance
    }
}
