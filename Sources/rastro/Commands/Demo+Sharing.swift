import Foundation
import RastroModel

/// The demo's sharing arrangement: the customs agency (MX-ANAM) releases its import declarations
/// of fentanyl precursors to the DEA's liaison office (US-DEA); everything else stays releasable
/// to Mexico only, as the simulator marks it. The demo applies it to the simulated files before
/// loading them, so that the US liaison has something to see and the rest shows what stays home.
enum DemoSharing {
    static let partner = "US-DEA"

    /// Rewrites `consignments.csv` in `world`: fentanyl precursors become releasable to MX and
    /// US-DEA. Returns how many rows it released.
    static func apply(world: String) throws -> Int {
        let path = (world as NSString).appendingPathComponent("consignments.csv")
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var lines = text.components(separatedBy: "\n")
        guard let header = lines.first.map(split) else { return 0 }
        guard let cas = header.firstIndex(of: "chemical_cas"), let name = header.firstIndex(of: "chemical_name"),
              let releasable = header.firstIndex(of: "releasable_to") else { return 0 }
        var released = 0
        for index in lines.indices.dropFirst() where !lines[index].isEmpty {
            var cells = split(lines[index])
            // The chemical as declared, by CAS number or by name (as the catalog knows it).
            guard cells.count == header.count,
                  ChemicalCatalog.shipped.resolve(cas: cells[cas].isEmpty ? nil : cells[cas], name: cells[name].isEmpty ? nil : cells[name])?
                      .fentanylPrecursor == true else { continue }
            cells[releasable] = "MX;" + partner
            lines[index] = cells.map(quoted).joined(separator: ",")
            released += 1
        }
        try lines.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return released
    }

    /// The cells of one CSV line (RFC 4180 quoting; the simulator writes no line breaks in cells).
    static func split(_ line: String) -> [String] {
        var cells: [String] = []
        var cell = ""
        var quoted = false
        var iterator = Array(line).makeIterator()
        var pending: Character? = nil
        while let character = pending ?? iterator.next() {
            pending = nil
            if quoted {
                if character == "\"" {
                    if let next = iterator.next() {
                        if next == "\"" { cell.append("\"") } else { quoted = false; pending = next }
                    } else { quoted = false }
                } else { cell.append(character) }
            } else if character == "\"" {
                quoted = true
            } else if character == "," {
                cells.append(cell)
                cell = ""
            } else if character != "\r" {
                cell.append(character)
            }
        }
        cells.append(cell)
        return cells
    }

    static func quoted(_ cell: String) -> String {
        cell.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) ? "\"" + cell.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : cell
    }
}
