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
// block only in pairs (given + surname, surname + postcode, given + birth date). Data entry swaps
// given name and surname, and the two address lines: those pairs are interchangeable (compared
// crosswise too, and the given + surname key does not depend on their order).
let swaps = [[0, 1], [3, 4]]
let small = TableSpec(fields: febrl, blocking: [[0], [1], [6], [8], [9], [5, 0], [1, 6], [0, 1]], interchangeable: swaps)
let large = TableSpec(fields: febrl, blocking: [[0, 1], [1, 6], [0, 8], [8], [9], [5, 0], [3, 6]], interchangeable: swaps)
func spec(rows: Int) -> TableSpec { rows > 50_000 ? large : small }

func read(_ path: String) throws -> (ids: [String], rows: [[String?]]) {
    let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    var lines = split(bytes)
    guard !lines.isEmpty else { throw NSError(domain: "er", code: 1, userInfo: [NSLocalizedDescriptionKey: "\(path): empty"]) }
    let header = lines.removeFirst().map { $0 ?? "" }
    let columns = febrl.map { field in header.firstIndex(of: field.name) }
    var ids: [String] = []
    var rows: [[String?]] = []
    ids.reserveCapacity(lines.count)
    rows.reserveCapacity(lines.count)
    for cells in lines {
        ids.append(cells.first.flatMap { $0 } ?? "")
        rows.append(columns.map { index in
            guard let index, index < cells.count, let value = cells[index], value != "nan" else { return nil }
            return value
        })
    }
    return (ids, rows)
}

/// The RFC 4180 records of a file (FEBRL values hold no line breaks; blank lines are skipped),
/// each field trimmed of spaces and tabs, nil when empty.
func split(_ bytes: [UInt8]) -> [[String?]] {
    var records: [[String?]] = []
    var cells: [String?] = []
    var cell: [UInt8] = []
    var quoted = false
    var previousQuote = false
    func endCell() {
        var slice = cell[...]
        while let first = slice.first, first == 0x20 || first == 0x09 { slice = slice.dropFirst() }
        while let last = slice.last, last == 0x20 || last == 0x09 { slice = slice.dropLast() }
        cells.append(slice.isEmpty ? nil : String(decoding: slice, as: UTF8.self))
        cell.removeAll(keepingCapacity: true)
        previousQuote = false
    }
    for byte in bytes {
        if quoted {
            if byte == 0x22 { quoted = false; previousQuote = true } else { cell.append(byte) }
        } else if byte == 0x22 {
            if previousQuote { cell.append(byte) }
            quoted = true
        } else if byte == 0x2C {
            endCell()
        } else if byte == 0x0A || byte == 0x0D {
            if !cells.isEmpty || !cell.isEmpty {
                endCell()
                records.append(cells)
                cells = []
            }
        } else {
            cell.append(byte)
            previousQuote = false
        }
    }
    if !cells.isEmpty || !cell.isEmpty {
        endCell()
        records.append(cells)
    }
    return records
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
