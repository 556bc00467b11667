/// A company or agency known from a registry (`organizations`).
public struct Organization: Sendable, Hashable {
    public var orgID: String
    public var name: String
    public var country: String
    public var taxID: String?
    public var businessType: String?
    public var address: String?
    public var city: String?
    public var state: String?
    public var postalCode: String?
    public var lat: Double?
    public var lon: Double?
    public var registeredOn: String?
    public var representative: String?
    public var phone: String?
    public var email: String?

    public init(_ record: Record) throws {
        try record.expect(.organizations)
        orgID = record.id
        name = try record.required("name")
        country = try record.required("country")
        taxID = record.string("tax_id")
        businessType = record.string("business_type")
        address = record.string("address")
        city = record.string("city")
        state = record.string("state")
        postalCode = record.string("postal_code")
        lat = record.double("lat")
        lon = record.double("lon")
        registeredOn = record.string("registered_on")
        representative = record.string("representative")
        phone = record.string("phone")
        email = record.string("email")
    }
}
