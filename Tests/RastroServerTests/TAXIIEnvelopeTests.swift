import Foundation
import NIOCore
@testable import RastroServer
import Testing

/// The objects' envelope written around a page taken straight from the store: the head goes into
/// the room left before the objects once `more` and `next` are known.
@Suite struct TAXIIEnvelopeTests {
    static func envelope(_ objects: [String], more: Bool, next: Int64) -> String {
        var envelope = TAXIIEnvelope(pageCapacity: 16)
        for (index, object) in objects.enumerated() {
            if index > 0 { withUnsafeBytes(of: UInt8(ascii: ",")) { envelope.appendJSON($0) } }
            var object = object
            object.withUTF8 { envelope.appendJSON(UnsafeRawBufferPointer($0)) }
        }
        let buffer = envelope.finish(more: more, next: next)
        return String(buffer: buffer)
    }

    @Test func headsFitTheirRoomExactly() throws {
        let objects = [#"{"id":"a"}"#, #"{"id":"b","n":[1,2]}"#]
        #expect(Self.envelope(objects, more: false, next: 7) == #"{"more":false,"objects":[{"id":"a"},{"id":"b","n":[1,2]}]}"#)
        #expect(Self.envelope(objects, more: true, next: 1_764_000_000_123_456)
            == #"{"more":true,"next":"1764000000123456","objects":[{"id":"a"},{"id":"b","n":[1,2]}]}"#)
        // The longest head there can be: the largest Int64 as `next` (and a negative one) still fits.
        for next in [Int64.max, Int64.min] {
            let text = Self.envelope(objects, more: true, next: next)
            #expect(text.hasPrefix(#"{"more":true,"next":"\#(next)","objects":["#))
            let parsed = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
            #expect((parsed["objects"] as? [Any])?.count == 2)
        }
    }

    @Test func aLargePageGrowsItsBuffer() throws {
        let objects = (0..<500).map { #"{"id":"indicator--\#($0)","pad":"\#(String(repeating: "x", count: 300))"}"# }
        let text = Self.envelope(objects, more: false, next: 0)
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect((parsed["objects"] as? [[String: Any]])?.last?["id"] as? String == "indicator--499")
    }

    #if os(Linux)
    @Test func theAllocatorTakesTheServersSettings() {
        #expect(AllocatorTuning.applied)
    }
    #endif
}
