public import Foundation

/// ISO 3166-1 alpha-2 country codes with English and Spanish names (`Resources/countries.json`).
public struct Countries: Sendable {
    public struct Country: Sendable, Hashable, Codable {
        public var code: String
        public var nameEN: String
        public var nameES: String
        enum CodingKeys: String, CodingKey { case code, nameEN = "name_en", nameES = "name_es" }
    }

    public let all: [Country]
    private let byCode: [String: Int]

    public static let shipped: Countries = {
        do {
            guard let url = Bundle.module.url(forResource: "countries", withExtension: "json") else {
                throw ModelError(.catalog, "countries.json is missing from the package resources")
            }
            struct File: Decodable { var countries: [Country] }
            return Countries(try JSONDecoder().decode(File.self, from: Data(contentsOf: url)).countries)
        } catch {
            preconditionFailure("the shipped country list is invalid: \(error)")
        }
    }()

    init(_ all: [Country]) {
        self.all = all
        var index: [String: Int] = [:]
        for (position, country) in all.enumerated() { index[country.code] = position }
        byCode = index
    }

    /// Whether `code` (already upper-cased) is an assigned alpha-2 code.
    public func contains(_ code: String) -> Bool { byCode[code] != nil }

    public func country(_ code: String) -> Country? { byCode[code.uppercased()].map { all[$0] } }
}
