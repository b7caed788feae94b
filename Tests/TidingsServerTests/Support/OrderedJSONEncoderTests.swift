import Foundation
import Testing

@testable import TidingsServer

@Suite struct OrderedJSONEncoderTests {
    struct Sample: Encodable {
        let zeta = 1
        let alpha = "a\"b\\c\n\u{1}é"
        let when = Date(timeIntervalSince1970: 1.25)
        let id = UUID(uuidString: "5C867193-0E67-46F1-917C-5683AC318D03")!
        let nested = ["x": [true, false]]
        let nothing: String? = nil
        let numbers = [1.5, 2.0]
    }

    @Test("keys come out in declaration order, with listmonk's dates and lower-case UUIDs")
    func order() throws {
        let text = String(decoding: try OrderedJSONEncoder().encode(Sample()), as: UTF8.self)
        #expect(
            text
                == #"{"zeta":1,"alpha":"a\"b\\c\n\u0001é","when":"1970-01-01T00:00:01.25Z","id":"5c867193-0e67-46f1-917c-5683ac318d03","nested":{"x":[true,false]},"numbers":[1.5,2]}"#
        )
        #expect(try JSONSerialization.jsonObject(with: Data(text.utf8)) is [String: Any])
    }

    @Test("any string survives the trip through the encoder and a standard JSON parser")
    func strings() throws {
        let pieces = ["a", "\"", "\\", "\n", "\r", "\t", "\u{0}", "\u{1F}", "\u{7F}", "é", "日本", "👩‍💻", "</script>", " "]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<500 {
            let text = (0..<Int.random(in: 0...12, using: &generator)).map { _ in
                pieces.randomElement(using: &generator)!
            }
            .joined()
            let json = try OrderedJSONEncoder().encode([text])
            let decoded = try JSONSerialization.jsonObject(with: Data(json)) as? [String]
            #expect(decoded == [text], "\(text.debugDescription) → \(String(decoding: json, as: UTF8.self))")
        }
    }

    @Test("pretty output indents with two spaces")
    func pretty() throws {
        let text = String(decoding: try OrderedJSONEncoder(pretty: true).encode(["a": [1]]), as: UTF8.self)
        #expect(text == "{\n  \"a\": [\n    1\n  ]\n}")
    }

    @Test("non-finite numbers are an error, not invalid JSON")
    func nonFinite() {
        #expect(throws: EncodingError.self) { try OrderedJSONEncoder().encode([Double.nan]) }
    }
}
