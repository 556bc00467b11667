// rastro-er-bench: runs RastroResolve's table engine on FEBRL-style CSV files (as exported by
// scripts/bench/er.sh) and writes the pairs it judges matches, for the script to score against
// the truth the same way as the peers'.
//
//   rastro-er-bench link LEFT.csv RIGHT.csv OUT.csv
//   rastro-er-bench dedupe TABLE.csv OUT.csv
//
// The files have a header; the first column is the record id; the FEBRL columns follow in any order.
import Foundation
import RastroResolve

let febrl: [TableSpec.Field] = [
    .init("given_name", .name), .init("surname", .name), .init("street_number", .exact), .init("address_1", .name),
    .init("address_2", .name), .init("suburb", .name), .init("postcode", .exact), .init("state", .exact),
    .init("date_of_birth", .identifier), .init("soc_sec_id", .identifier),
]
// Blocking: names, place, birth date, id — each alone, as the peers' documentation does it, on
// files of FEBRL's size; on large files single name keys make blocks of hundreds squared, so names
// block only in pairs (given + surname, surname + postcode, given + birth date).
let small = TableSpec(fields: febrl, blocking: [[0], [1], [6], [8], [9], [5, 0], [1, 6]])
let large = TableSpec(fields: febrl, blocking: [[0, 1], [1, 6], [0, 8], [8], [9], [5, 0], [3, 6]])
func spec(rows: Int) -> TableSpec { rows > 50_000 ? large : small }

func read(_ path: String) throws -> (ids: [String], rows: [[String?]]) {
    let text = try String(contentsOfFile: path, encoding: .utf8)
    var lines = text.split(whereSeparator: \.isNewline).map(String.init)
    guard !lines.isEmpty else { throw NSError(domain: "er", code: 1, userInfo: [NSLocalizedDescriptionKey: "\(path): empty"]) }
    let header = split(lines.removeFirst())
    let columns = febrl.map { field in header.firstIndex(of: field.name) }
    var ids: [String] = []
    var rows: [[String?]] = []
    for line in lines {
        let cells = split(line)
        ids.append(cells.first ?? "")
        rows.append(columns.map { index in
            guard let index, index < cells.count else { return nil }
            let value = cells[index].trimmingCharacters(in: .whitespaces)
            return value.isEmpty || value == "nan" ? nil : value
        })
    }
    return (ids, rows)
}

/// RFC 4180 fields of one line (FEBRL values hold no line breaks).
func split(_ line: String) -> [String] {
    var cells: [String] = []
    var cell = ""
    var quoted = false
    var previousQuote = false
    for character in line {
        if quoted {
            if character == "\"" { quoted = false; previousQuote = true } else { cell.append(character) }
        } else if character == "\"" {
            if previousQuote { cell.append("\"") }
            quoted = true
        } else if character == "," {
            cells.append(cell); cell = ""; previousQuote = false
        } else {
            cell.append(character); previousQuote = false
        }
    }
    cells.append(cell)
    return cells
}

let arguments = CommandLine.arguments
let started = Date()
var output = "left,right\n"
var candidates = 0
switch (arguments.count, arguments.count > 1 ? arguments[1] : "") {
case (5, "link"):
    let left = try read(arguments[2]), right = try read(arguments[3])
    let outcome = TableResolver(spec: spec(rows: max(left.rows.count, right.rows.count))).link(left.rows, right.rows)
    candidates = outcome.candidatePairs
    for (i, j, _) in outcome.matches { output += "\(left.ids[i]),\(right.ids[j])\n" }
    try output.write(toFile: arguments[4], atomically: true, encoding: .utf8)
case (4, "dedupe"):
    let table = try read(arguments[2])
    let outcome = TableResolver(spec: spec(rows: table.rows.count)).deduplicate(table.rows)
    candidates = outcome.candidatePairs
    for (i, j, _) in outcome.matches { output += "\(table.ids[i]),\(table.ids[j])\n" }
    try output.write(toFile: arguments[3], atomically: true, encoding: .utf8)
default:
    FileHandle.standardError.write(Data("usage: rastro-er-bench link LEFT.csv RIGHT.csv OUT.csv | dedupe TABLE.csv OUT.csv\n".utf8))
    exit(2)
}
FileHandle.standardError.write(Data("candidate pairs \(candidates); \(String(format: "%.2f", Date().timeIntervalSince(started))) s\n".utf8))
