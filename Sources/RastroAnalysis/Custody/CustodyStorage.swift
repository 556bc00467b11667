import Foundation
public import RastroStore

extension CustodyTrace {
    /// The trace as the store keeps it (steps numbered in order; holdings as a JSON object with
    /// sorted keys).
    public func row(runID: String) -> CustodyTraceRow {
        var holdingsJSON = "{"
        for (index, entity) in holdings.keys.sorted().enumerated() {
            holdingsJSON += (index == 0 ? "" : ",") + Self.jsonString(entity) + ":" + String(holdings[entity] ?? 0)
        }
        holdingsJSON += "}"
        return CustodyTraceRow(consignmentID: consignmentID, runID: runID, importer: importer, chemical: chemical, arrivalDate: arrivalDate,
                               importedKg: importedKg, unaccountedKg: unaccountedKg, holdings: holdingsJSON,
                               steps: steps.enumerated().map { seq, step in
                                   CustodyStepRow(seq: seq, transferID: step.transferID, date: step.date, fromEntity: step.fromEntity,
                                                  toEntity: step.toEntity, quantityKg: step.quantityKg, transferKg: step.transferKg,
                                                  allocation: step.allocation.rawValue, depth: step.depth)
                               })
    }

    /// A stored trace back as a value; nil when its holdings do not decode.
    public init?(_ row: CustodyTraceRow) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(row.holdings.utf8)) as? [String: Any] else { return nil }
        var holdings: [String: Double] = [:]
        for (entity, value) in object {
            guard let kg = (value as? NSNumber)?.doubleValue else { return nil }
            holdings[entity] = kg
        }
        self.init(consignmentID: row.consignmentID, importer: row.importer, chemical: row.chemical, arrivalDate: row.arrivalDate,
                  importedKg: row.importedKg, steps: row.steps.map { step in
                      CustodyStep(transferID: step.transferID, date: step.date, fromEntity: step.fromEntity, toEntity: step.toEntity,
                                  quantityKg: step.quantityKg, transferKg: step.transferKg,
                                  allocation: CustodyStep.Allocation(rawValue: step.allocation) ?? .fifo, depth: step.depth)
                  }, holdings: holdings, unaccountedKg: row.unaccountedKg)
    }

    private static func jsonString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
