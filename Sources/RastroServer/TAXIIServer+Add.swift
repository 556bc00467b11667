import Foundation
import Hummingbird
import NIOCore
import RastroShare
import RastroStore

extension TAXIIServer {
    /// Add-objects: the envelope's objects are loaded into the node's store (with the partner's
    /// markings and provenance) and into the collection, in one go; the answer is a status
    /// resource. Loading is synchronous, so the status is already `complete`.
    func addObjects(_ request: Request, _ collectionID: String) async throws -> Response {
        let viewer = try await signedIn(request)
        let (collection, access) = try await visibleCollection(viewer, collectionID)
        guard access.write else {
            throw TAXIIError(.forbidden, "The collection cannot be written", "\(viewer.organization) may not add objects to \(collectionID).")
        }
        let contentType = request.headers[.contentType]?.lowercased().replacingOccurrences(of: " ", with: "") ?? ""
        guard contentType.hasPrefix("application/taxii+json"), !contentType.contains("version=") || contentType.contains("version=2.1") else {
            throw TAXIIError(.unsupportedMediaType, "The media type is not supported", "Send an envelope as \(Self.taxiiMediaType).")
        }
        if let length = request.headers[.contentLength].flatMap(Int.init), length > configuration.maxContentLength {
            throw TAXIIError(.contentTooLarge, "The request is too large", "The API root takes at most \(configuration.maxContentLength) bytes.")
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: configuration.maxContentLength)
        } catch {
            throw TAXIIError(.contentTooLarge, "The request is too large", "The API root takes at most \(configuration.maxContentLength) bytes.")
        }
        guard let importer else {
            throw TAXIIError(.forbidden, "This server does not take objects", "Add-objects is not enabled on this node.")
        }
        let envelope: [String: Any]
        do {
            guard let parsed = try JSONSerialization.jsonObject(with: Data(buffer.readableBytesView)) as? [String: Any] else {
                throw TAXIIError(.badRequest, "Invalid envelope", "The body must be a JSON object with an `objects` array.")
            }
            envelope = parsed
        } catch let error as TAXIIError {
            throw error
        } catch {
            throw TAXIIError(.badRequest, "Invalid JSON", "The body is not valid JSON: \(error.localizedDescription)")
        }
        guard let items = envelope["objects"] as? [Any] else {
            throw TAXIIError(.badRequest, "Invalid envelope", "The body must be a JSON object with an `objects` array.")
        }
        // A partner adds only what it originated: an object that names another organization as its
        // originator or creator is refused (objects naming none are the partner's).
        let ownIdentity = STIXIdentifier.organization(viewer.organization)
        let otherIdentities = Set(try await read.members().map(\.orgID).filter { $0 != viewer.organization }
            .map(STIXIdentifier.organization))
        let requestTimestamp = TAXIITime.format(microseconds: Int64(Date().timeIntervalSince1970 * 1_000_000))
        var accepted: [(TAXIIObject, [UInt8])] = []
        var failures: [TAXIIStatus.Detail] = []
        for (index, item) in items.enumerated() {
            guard let object = item as? [String: Any], let id = object["id"] as? String, let type = object["type"] as? String,
                  id.hasPrefix(type + "--") else {
                failures.append(.init(id: "objects[\(index)]", version: "", message: "not a STIX object with a type and a matching id"))
                continue
            }
            let specVersion = object["spec_version"] as? String ?? "2.1"
            guard specVersion == "2.1" else {
                failures.append(.init(id: id, version: "", message: "spec_version \(specVersion) is not supported (2.1 only)"))
                continue
            }
            guard let version = (object["modified"] as? String) ?? (object["created"] as? String), TAXIITime.parse(version) != nil else {
                failures.append(.init(id: id, version: "", message: "the object has no valid modified or created timestamp"))
                continue
            }
            if let originator = object["x_rastro_originator"] as? String, originator.uppercased() != viewer.organization {
                failures.append(.init(id: id, version: version, message: "\(viewer.organization) may only add what it originated, not \(originator)'s"))
                continue
            }
            if let creator = object["created_by_ref"] as? String, creator != ownIdentity, otherIdentities.contains(creator) {
                failures.append(.init(id: id, version: version, message: "\(viewer.organization) may only add what it created"))
                continue
            }
            let bytes = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
            accepted.append((TAXIIObject(id: id, version: version, type: type, specVersion: specVersion,
                                         body: String(decoding: bytes, as: UTF8.self)), Array(bytes)))
        }
        var successes: [TAXIIStatus.Detail] = []
        if !accepted.isEmpty {
            do {
                let event = AuditEvent(viewer, "taxii.add", objects: ["collection/\(collection.collectionID)"],
                                       detail: "objects=\(accepted.count) failures=\(failures.count)")
                let objects = accepted, source = "taxii:\(Self.apiRoot)/collections/\(collectionID)"
                try await gate.run { [writes] in
                    try await importer.importObjects(objects.map(\.1), source: source, viewer: viewer)
                    _ = try await writes.addTAXIIObjects(objects.map(\.0), to: collectionID, events: [event])
                }
                successes = accepted.map { .init(id: $0.0.id, version: $0.0.version) }
                metrics.added(objects: accepted.count)
            } catch let error as StoreError where error.code == .busy {
                // The partner sends the same envelope again (503, Retry-After). If the import had
                // committed before the collection's write was refused, the retry finds those records
                // unchanged and adds them to the collection: loads are idempotent, nothing doubles.
                throw TAXIIError.busy
            } catch {
                failures += accepted.map { .init(id: $0.0.id, version: $0.0.version, message: "not loaded: \(error)") }
            }
        }
        let status = TAXIIStatus(statusID: UUID().uuidString.lowercased(), collectionID: collectionID, userID: viewer.actor,
                                 orgID: viewer.organization, requestTimestamp: requestTimestamp, status: "complete",
                                 successes: successes, failures: failures, pendings: [])
        try await gate.run { [writes] in try await writes.saveTAXIIStatus(status) }
        return Self.json(Self.statusResource(status), status: .accepted)
    }
}
