import ArgumentParser
import Foundation
import RastroModel
import RastroShare
import RastroStore

struct Export: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Export what an organization may see, in a standard format for partners' tools.",
        discussion: """
            Example:
              rastro export stix --for US-DEA --output for-dea.json
            """,
        subcommands: [ExportSTIX.self])
}

struct ExportSTIX: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stix",
        abstract: "Write a STIX 2.1 bundle of the records and leads an organization may see.",
        discussion: """
            Without --for, the bundle holds what the node's own organization sees. With --for ORG it \
            holds only what the node's policy releases to that organization (its TLP and \
            releasable-to rules), with personal fields withheld as the policy says, and the leads \
            sent to it with the evidence it may see. Records keep their TLP 2.0 marking, their \
            releasable-to set and their originator; ids are stable, so exporting again gives the \
            same objects (docs/stix.md). The export is audited as a read by ORG.

            Examples:
              rastro export stix --output node.json
              rastro export stix --for US-DEA --output for-dea.json
              rastro export stix --for US-CBP --for-country US --kind consignments --kind transfers -
            """)

    @OptionGroup var store: DatabaseOptions

    @Option(name: .customLong("for"), help: ArgumentHelp("Export only what this member organization may see (default: the node's organization).",
                                                          valueName: "org"))
    var organization: String?

    @Option(name: .customLong("for-country"), help: ArgumentHelp("The country of a --for organization that is not a member.", valueName: "cc"))
    var country: String?

    @Option(name: .customLong("kind"), help: ArgumentHelp("Export only these kinds (repeatable): a contract kind, or leads. Default: all.",
                                                          valueName: "kind"))
    var kinds: [String] = []

    @Option(name: .shortAndLong, help: ArgumentHelp("Where to write the bundle; - for standard output (the default).", valueName: "file"))
    var output: String?

    @Argument(help: ArgumentHelp("Standard output when -, as --output -.", valueName: "-"))
    var dash: String?

    func validate() throws {
        for kind in kinds where kind != "leads" && Kind(rawValue: kind) == nil {
            throw ValidationError("--kind must be leads or one of: \(Kind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if country != nil, organization == nil { throw ValidationError("--for-country needs --for") }
        if let dash, dash != "-" { throw ValidationError("unexpected argument \(dash): give the file with --output") }
    }

    func run() async throws {
        try await store.withStore { store in
            let settings = try await store.settings()
            var exporter = STIXExporter(store: store, viewer: try await viewer(store, settings))
            if !kinds.isEmpty {
                exporter.kinds = Kind.allCases.filter { kinds.contains($0.rawValue) }
                exporter.includeLeads = kinds.contains("leads")
            }
            let path = output.flatMap { $0 == "-" ? nil : $0 }
            let writer = try BundleWriter(path: path)
            do {
                try await exporter.export { batch in try writer.write(batch) }
                try writer.finish()
            } catch {
                writer.abandon()
                throw error
            }
            if let path { Terminal.note("\(writer.count) STIX objects written to \(path)") }
        }
    }

    private func viewer(_ store: Store, _ settings: NodeSettings) async throws -> Viewer {
        guard let organization else { return settings.viewer }
        if let member = try await store.member(organization) { return Viewer(organization: member.orgID, country: member.country) }
        if let country {
            guard Marking.isValidParty(organization), Countries.shipped.contains(country.uppercased()) else {
                throw Failure(code: Failure.usage, message: "--for must be an organization id (letters, digits, - . _) and --for-country an ISO code")
            }
            return Viewer(organization: organization, country: country)
        }
        throw Failure(code: Failure.usage, message: "no member organization \(organization) on this node: add it (rastro org add), or give --for-country CC")
    }
}

/// Writes a bundle as its objects arrive: to a temporary file renamed into place at the end (or to
/// standard output). The bundle's id is the UUIDv5 of the SHA-256 of its objects, so the same
/// content always makes the same bytes.
final class BundleWriter {
    private let path: String?
    private let temporary: String?
    private let handle: FileHandle
    private var digest = STIXBundleDigest()
    private(set) var count = 0

    init(path: String?) throws {
        self.path = path
        if let path {
            let temporary = path + ".partial-\(ProcessInfo.processInfo.processIdentifier)"
            guard FileManager.default.createFile(atPath: temporary, contents: nil) else {
                throw Failure(code: Failure.usage, message: "cannot write \(path)")
            }
            self.temporary = temporary
            handle = try FileHandle(forWritingTo: URL(fileURLWithPath: temporary))
        } else {
            temporary = nil
            handle = FileHandle.standardOutput
        }
        try handle.write(contentsOf: Data("{\"type\":\"bundle\",\"objects\":[\n".utf8))
    }

    func write(_ objects: [STIXObject]) throws {
        var text = ""
        for object in objects {
            if count > 0 { text += ",\n" }
            text += object.json
            digest.add(object)
            count += 1
        }
        try handle.write(contentsOf: Data(text.utf8))
    }

    func finish() throws {
        try handle.write(contentsOf: Data("\n],\"id\":\"\(digest.bundleID)\"}\n".utf8))
        if let path, let temporary {
            try handle.close()
            if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(atPath: path) }
            try FileManager.default.moveItem(atPath: temporary, toPath: path)
        }
    }

    func abandon() {
        if let temporary {
            try? handle.close()
            try? FileManager.default.removeItem(atPath: temporary)
        }
    }
}
