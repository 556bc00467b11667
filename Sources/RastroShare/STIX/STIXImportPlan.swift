import RastroIngest
import RastroModel
import RastroStore

/// What an import will do, decided before anything is written: the records to load (validated
/// like a contract file's rows), the leads and lead steps to apply, and what is skipped and why.
struct STIXImportPlan {
    struct FileKey: Hashable {
        var file: String
        var kind: Kind
    }

    /// A recipient's step of a lead, reported back in a note.
    struct LeadStep {
        var leadID: String
        var organization: String
        var actor: String
        var action: String
        var detail: String
        var outcome: Lead.Outcome?
        var at: String
    }

    let settings: NodeSettings
    /// The originator of objects that name no creator: the partner they came from, when known.
    var defaultOriginator: String?
    var problems: [String] = []
    var skipped: [String: Int] = [:]
    private(set) var records: [FileKey: [Record]] = [:]
    /// The (file, kind) pairs with records, in kind order then file order.
    private(set) var files: [(String, Kind)] = []
    var leads: [(lead: Lead, source: String)] = []
    var steps: [LeadStep] = []

    /// Organization ids of the identities in the import, by STIX id.
    private var organizations: [String: String] = [:]
    /// Places (latitude, longitude) in the import, by STIX id.
    private var places: [String: (Double, Double)] = [:]
    private var builders: [FileKey: RecordBuilder] = [:]
    private var pending: [(key: FileKey, record: Record, modified: String)] = []
    /// Records that arrived with fields withheld (`x_rastro_redacted`), by `kind/id`.
    private(set) var redacted = Set<String>()

    init(settings: NodeSettings) {
        self.settings = settings
    }

    mutating func read(_ objects: [STIXSourceObject]) {
        for object in objects {
            if object.type == "identity", let org = object.string("x_rastro_org_id") { organizations[object.id] = org }
            if object.type == "location", let latitude = STIXSourceObject.number(object.properties["latitude"]),
               let longitude = STIXSourceObject.number(object.properties["longitude"]) {
                places[object.id] = (latitude, longitude)
            }
        }
        for object in objects { classify(object) }
        finish()
    }

    private mutating func classify(_ object: STIXSourceObject) {
        guard object.string("spec_version") == "2.1" else { return skip("not a STIX 2.1 object (spec_version is not 2.1)") }
        if let kindName = object.string("x_rastro_kind") {
            guard let kind = Kind(rawValue: kindName) else { return problems.append(object.problem("x_rastro_kind", "not a contract kind")) }
            return rastroRecord(object, kind: kind)
        }
        switch object.type {
        case "marking-definition": skip("marking definition (applied to the objects that name it)")
        case "extension-definition": skip("extension definition")
        case "relationship": skip("relationship (Rastro derives links from the records' fields)")
        case "identity" where object.id == STIXVocabulary.rastroIdentityID: skip("Rastro's own identity")
        case "identity" where object.string("x_rastro_org_id") != nil: skip("identity of an organization (the originator of what it created)")
        case "identity": skip("identity from another tool (an organizations record needs an org_id, name and country)")
        case "location": skip("location on its own (kept only as the place of a sighting)")
        case "incident": foreignIncident(object)
        case "sighting": foreignSighting(object)
        case "report" where object.object("x_rastro_lead") != nil: lead(object)
        case "report": skip("report that is not a Rastro lead")
        case "note" where object.object("x_rastro_lead_event") != nil: step(object)
        case "note": skip("note that is not a step of a Rastro lead")
        default: skip("type \(object.type) is not mapped to a contract kind")
        }
    }

    mutating func skip(_ reason: String) { skipped[reason, default: 0] += 1 }

    /// The originator of an object from another tool: the organization of its creator's identity
    /// when the import names one, else `STIX-` and the first 12 hex digits of the creator's UUID
    /// (the same on every import, whatever page the identity came in); the node's own
    /// organization when the object names no creator.
    private func originator(_ object: STIXSourceObject) -> String {
        if let stated = object.string("x_rastro_originator") { return stated }
        guard let creator = object.string("created_by_ref") else { return defaultOriginator ?? settings.organization }
        if let organization = organizations[creator] { return organization }
        let uuid = creator.split(separator: "-").dropFirst(2).joined().prefix(12)
        return "STIX-" + uuid.uppercased()
    }

    private func markingCells(_ object: STIXSourceObject) -> [(column: String, text: String)] {
        var cells: [(column: String, text: String)] = [("tlp", (object.tlp ?? settings.defaultTLP).rawValue), ("originator", originator(object))]
        let releasable = object.strings("x_rastro_releasable_to")
        if !releasable.isEmpty { cells.append(("releasable_to", releasable.joined(separator: ";"))) }
        return cells
    }

    private mutating func rastroRecord(_ object: STIXSourceObject, kind: Kind) {
        guard object.type == STIXVocabulary.type(of: kind) else {
            return problems.append(object.problem("type", "a \(kind.rawValue) record is a \(STIXVocabulary.type(of: kind)), not a \(object.type)"))
        }
        guard let fields = object.object("x_rastro_fields") else { return problems.append(object.problem("x_rastro_fields", "missing")) }
        var cells = markingCells(object)
        for (name, value) in fields.sorted(by: { $0.key < $1.key }) {
            guard kind.schema.index(of: name) != nil else {
                return problems.append(object.problem("x_rastro_fields." + name, "not a field of \(kind.rawValue)"))
            }
            guard let text = STIXSourceObject.text(value) else { return problems.append(object.problem(name, "not a string or a number")) }
            cells.append((name, text))
        }
        for (name, value) in (object.object("x_rastro_attributes") ?? [:]).sorted(by: { $0.key < $1.key }) {
            let column = name.lowercased()
            guard kind.schema.index(of: column) == nil, !KindSchema.markingColumns.contains(column),
                  !cells.contains(where: { $0.column == column }) else {
                return problems.append(object.problem("x_rastro_attributes." + name, "clashes with a field or a marking"))
            }
            guard let text = value as? String else { return problems.append(object.problem("x_rastro_attributes." + name, "not a string")) }
            cells.append((column, text))
        }
        let withheld = object.strings("x_rastro_redacted").filter { $0 != STIXRecordMapping.redactedAttribute }
        if !withheld.isEmpty { cells.append((STIXRecordMapping.redactedAttribute, withheld.sorted().joined(separator: ";"))) }
        guard let record = build(object, kind: kind, cells: cells) else { return }
        if !object.strings("x_rastro_redacted").isEmpty { redacted.insert(kind.rawValue + "/" + record.id) }
        let expected = STIXIdentifier.record(object.type, originator: record.marking.originator, kind: kind, id: record.id)
        guard expected == object.id else {
            return problems.append(object.problem("id", "is not the id of \(kind.rawValue) \(record.id) by \(record.marking.originator)"))
        }
    }

    private mutating func foreignIncident(_ object: STIXSourceObject) {
        let labels = object.strings("labels").map { $0.lowercased() }
        guard let kind = KindSchema.of(.incidents).fields.first(where: { $0.name == "kind" }).flatMap({ field -> String? in
            guard case .enumeration(let values) = field.type else { return nil }
            return values.first(where: labels.contains)
        }) else { return skip("incident without a label naming a contract kind (seizure, illicit_lab, stopped_shipment, suspicious_order, theft)") }
        var cells = markingCells(object)
        cells += [("incident_id", object.id), ("date", STIXTime.date(object.string("created") ?? "") ?? ""), ("kind", kind)]
        if let description = object.string("description") { cells.append(("description", description)) }
        _ = build(object, kind: .incidents, cells: cells)
    }

    private mutating func foreignSighting(_ object: STIXSourceObject) {
        let candidates = object.strings("where_sighted_refs") + [object.string("sighting_of_ref") ?? ""]
        let known = places
        guard let place = candidates.compactMap({ known[$0] }).first else {
            return skip("sighting without a location in the same import")
        }
        var cells = markingCells(object)
        cells += [("observation_id", object.id), ("observed_at", object.string("first_seen") ?? object.string("created") ?? ""),
                  ("lat", FieldValue.format(place.0)), ("lon", FieldValue.format(place.1)), ("kind", "other")]
        if let confidence = STIXSourceObject.number(object.properties["confidence"]) {
            cells.append(("confidence", FieldValue.format(confidence / 100)))
        }
        if let description = object.string("description") { cells.append(("description", description)) }
        _ = build(object, kind: .observations, cells: cells)
    }

    /// Validates the cells as a contract row would be; queues the record, or records the problems.
    private mutating func build(_ object: STIXSourceObject, kind: Kind, cells: [(column: String, text: String)]) -> Record? {
        let key = FileKey(file: object.source, kind: kind)
        let builder = builders[key] ?? RecordBuilder(kind: kind, file: object.source, defaultTLP: settings.defaultTLP,
                                                     defaultOriginator: defaultOriginator ?? settings.organization)
        builders[key] = builder
        let (record, errors) = builder.build(cells, line: object.line)
        guard let record else {
            problems += errors.map(\.description)
            return nil
        }
        pending.append((key, record, object.string("modified") ?? object.string("created") ?? ""))
        return record
    }

    /// Leaves out records that must not change what the node holds (`held`, by `kind/id`): its own
    /// organization's records (its copy is the original) and copies with fields withheld.
    mutating func leaveOut(held: Set<String>) {
        for (key, list) in records {
            let kept = list.filter { record in
                let name = key.kind.rawValue + "/" + record.id
                if record.marking.originator == settings.organization, held.contains(name) {
                    skip("record this node originated (its own copy is the original)")
                    return false
                }
                if redacted.contains(name), held.contains(name) {
                    skip("copy with personal fields withheld of a record this node holds")
                    return false
                }
                return true
            }
            records[key] = kept.isEmpty ? nil : kept
        }
        files = files.filter { records[FileKey(file: $0.0, kind: $0.1)] != nil }
    }

    /// Keeps one version per record (the latest `modified`), in kind and id order.
    private mutating func finish() {
        var latest: [String: Int] = [:]
        for (index, entry) in pending.enumerated() {
            let key = entry.key.kind.rawValue + "/" + entry.record.id
            if let previous = latest[key], pending[previous].modified > entry.modified { continue }
            latest[key] = index
        }
        for index in latest.values.sorted(by: { (pending[$0].key.kind, pending[$0].record.id) < (pending[$1].key.kind, pending[$1].record.id) }) {
            let entry = pending[index]
            if records[entry.key] == nil { files.append((entry.key.file, entry.key.kind)) }
            records[entry.key, default: []].append(entry.record)
        }
        files.sort { ($0.1, $0.0) < ($1.1, $1.0) }
        pending = []
    }
}
