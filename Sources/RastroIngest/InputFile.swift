import Foundation
public import RastroModel

/// A file to load, with its kind and format.
public struct InputFile: Sendable, Hashable {
    public enum Format: String, Sendable { case csv, ndjson }

    public var path: String
    public var kind: Kind
    public var format: Format
    public var size: Int

    /// Expands files and folders (recursively, in name order) into input files. A folder's files
    /// that are not `.csv`, `.ndjson` or `.jsonl` are skipped; a named file must be one of them.
    public static func expand(_ paths: [String], kind override: Kind?) throws(IngestError) -> [InputFile] {
        var result: [InputFile] = []
        let manager = FileManager.default
        for path in paths {
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw IngestError(.usage, file: path, reason: "no such file or folder")
            }
            if isDirectory.boolValue {
                let found = (manager.enumerator(atPath: path)?.allObjects as? [String] ?? []).sorted()
                for relative in found where format(of: relative) != nil {
                    let full = (path as NSString).appendingPathComponent(relative)
                    var nested: ObjCBool = false
                    if manager.fileExists(atPath: full, isDirectory: &nested), !nested.boolValue {
                        result.append(try make(full, kind: override))
                    }
                }
            } else {
                result.append(try make(path, kind: override))
            }
        }
        return result
    }

    static func format(of path: String) -> Format? {
        switch (path as NSString).pathExtension.lowercased() {
        case "csv": .csv
        case "ndjson", "jsonl": .ndjson
        default: nil
        }
    }

    static func make(_ path: String, kind override: Kind?) throws(IngestError) -> InputFile {
        guard let format = format(of: path) else {
            throw IngestError(.file, file: path, reason: "unknown format (expected .csv, .ndjson or .jsonl)")
        }
        let name = (path as NSString).lastPathComponent
        guard let kind = override ?? Kind.fromFileName(name) else {
            throw IngestError(.file, file: path, reason: "cannot tell the kind from the file name (name it like consignments.csv, or pass --kind)")
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        return InputFile(path: path, kind: kind, format: format, size: size)
    }
}
