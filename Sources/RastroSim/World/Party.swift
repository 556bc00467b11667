/// One real-world party of the simulated world: a company, an agency or a person. Every mention of
/// it in the data is some rendering of these facts.
struct Party {
    enum Role: String {
        case importer, distributor, endUser = "end_user", carrier, broker, exporter, front, agency, person
    }

    var entityID: String
    /// Its id in the organizations registry file, when it is registered there.
    var orgID: String?
    var name: CompanyName
    var isPerson = false
    var role: Role
    /// The contract's business_type.
    var businessType: String
    var country: String
    var rfc: String?
    var street = ""
    var colonia = ""
    var postalCode = ""
    /// Index into `Geography.cities` for Mexican parties.
    var city: Int?
    var lat = 0.0
    var lon = 0.0
    /// Day number of incorporation.
    var founded: Int
    var representative: String?
    var phone: String?
    var email: String?
    /// Exists to divert (fronts, the schemes' brokers and persons).
    var illicit = false
    var residential = false
    /// Catalog indexes of the chemicals it deals in.
    var chemicals: [Int] = []
    /// Holds a licence for controlled chemicals (files usage reports).
    var licensed = false
    /// The day it stops appearing in the data (fronts vanish).
    var vanishes: Int?

    func address(_ geography: Geography) -> String {
        guard let city else { return "" }
        let place = geography.cities[city]
        return "\(street), Col. \(colonia), C.P. \(postalCode), \(place.name), \(place.state)"
    }
}
