import Foundation
import MessageStore
import Testing
import WireCodecs
@testable import ReferenceServer

/// Runs the validator on every POST body of `Spec/vectors/messenger.json`.
@Suite struct MessagePostValidatorTests {
    struct PostVector: CustomTestStringConvertible, Sendable {
        var name: String
        var body: [UInt8]
        var acceptableStatuses: [Int]
        var testDescription: String { name }
    }

    static let vectors: [PostVector] = {
        let data = try! Data(contentsOf: SpecFiles.url("vectors/messenger.json"))
        let root = try! JSONSerialization.jsonObject(with: data) as! [String: Any]
        return (root["postMessages"] as! [[String: Any]]).map { vector in
            var body: [UInt8]
            if let text = vector["body"] as? String {
                body = Array(text.utf8)
            } else if let hex = vector["bodyHex"] as? String {
                body = stride(from: 0, to: hex.count, by: 2).map {
                    let start = hex.index(hex.startIndex, offsetBy: $0)
                    return UInt8(hex[start..<hex.index(start, offsetBy: 2)], radix: 16)!
                }
            } else {
                let pattern = vector["bodyPattern"] as! [String: Any]
                let long = String(repeating: pattern["repeat"] as! String, count: pattern["count"] as! Int)
                var object: [String: String] = ["sender": pattern["sender"] as! String, "receiver": pattern["receiver"] as! String]
                object[pattern["member"] as! String] = long
                body = Array(try! JSONSerialization.data(withJSONObject: object))
            }
            let statuses = (vector["acceptableStatuses"] as? [Int]) ?? [vector["status"] as! Int]
            return PostVector(name: vector["name"] as! String, body: body, acceptableStatuses: statuses)
        }
    }()

    @Test(arguments: vectors)
    func answersEachSpecVectorWithAnAcceptableStatus(vector: PostVector) {
        let status: Int
        switch MessagePostValidator().validatePostBody(vector.body) {
        case .success: status = 201
        case .failure(let refusal): status = refusal.status
        }
        #expect(vector.acceptableStatuses.contains(status), "\(vector.name): got \(status)")
    }

    @Test func keepsUnicodeExactly() throws {
        let body = Array(#"{"sender":"élève","receiver":"東京","content":"a\nb \ud83d\ude00"}"#.utf8)
        let message = try MessagePostValidator().validatePostBody(body).get()
        #expect(message.sender == "élève")
        #expect(message.receiver == "東京")
        #expect(message.content == "a\nb 😀")
    }

    @Test func refusesSendMessageWithoutObject() {
        #expect(throws: MessagePostValidator.Refusal.self) {
            try MessagePostValidator().validateSendMessage(sender: "alice", argument: .string("hi")).get()
        }
    }

    // MARK: The flat-object fast path agrees with the full parser

    static let validators = [
        MessagePostValidator(),
        MessagePostValidator(maxNameLength: 3, maxContentBytes: 4, jsonMaxDepth: 1),
        MessagePostValidator(jsonMaxDepth: 0),
    ]

    @Test(arguments: vectors)
    func fastPathAgreesWithTheParserOnEachSpecVector(vector: PostVector) {
        for validator in Self.validators {
            #expect(validator.validatePostBody(vector.body) == validator.validatePostBodyWithParser(vector.body), "\(vector.name)")
        }
    }

    /// Bodies built from likely and unlikely pieces, then sometimes damaged; fixed seed, so reproducible.
    static func generatedBodies(count: Int) -> [[UInt8]] {
        var random = SplitMix64(seed: 0x5EED_B0D1)
        let keys = [
            #""sender""#, #""receiver""#, #""content""#, #""other""#, #""Sender""#, #""sen\u0064er""#, #""séndér""#,
            #""""#, "sender", #""content\"""#,
        ]
        let values = [
            #""alice""#, #""""#, #""a\nb""#, #""élève""#, "\"\u{7}\"", "1", "null", "{}", #"["x"]"#, "true",
            "\"" + String(repeating: "n", count: 70) + "\"", #""😀""#, #""\ud83d\ude00""#, #""bob""#, #""e\u0301""#,
            "\"" + String(repeating: "é", count: 65) + "\"", #""abcde""#, #""👍🏽x""#,
        ]
        let plainValues = [#""alice""#, #""bob""#, #""élève""#, #""😀""#, #""abcde""#, #""""#, #""👍🏽x""#]
        let spaces = ["", "", "", " ", "\n", "\t", "\r\n "]
        func pick<T>(_ items: [T]) -> T { items[Int(random.next() % UInt64(items.count))] }
        var bodies: [[UInt8]] = []
        for _ in 0..<count {
            var text = pick(spaces) + "{" + pick(spaces)
            // Half the bodies hold the three members (in a random order) before anything else.
            let isLikely = random.next() % 2 == 0
            var requiredKeys = Array(keys.prefix(3)).shuffled(using: &random)
            let memberCount = isLikely ? 3 + Int(random.next() % 3) : Int(random.next() % 6)
            for index in 0..<memberCount {
                if index > 0 { text += pick(spaces) + "," + pick(spaces) }
                let key = isLikely && !requiredKeys.isEmpty ? requiredKeys.removeFirst() : pick(keys)
                let value = isLikely && random.next() % 4 != 0 ? pick(plainValues) : pick(values)
                text += key + pick(spaces) + ":" + pick(spaces) + value
            }
            text += pick(spaces) + "}" + pick(spaces)
            var body = Array(text.utf8)
            switch random.next() % 12 {
            case 0 where !body.isEmpty:
                body.removeLast(Int(random.next() % UInt64(body.count)))
            case 1:
                let position = Int(random.next() % UInt64(body.count + 1))
                body.insert(pick([0xFF, 0xC0, 0x80, 0xED, 0x00, 0x0B, 0x22, 0x2C, 0x7D, 0x5C]), at: position)
            case 2:
                body.append(contentsOf: pick([Array(",".utf8), Array("x".utf8), Array("{}".utf8), [0xEF, 0xBB, 0xBF]]))
            case 3:
                body.insert(contentsOf: [0xEF, 0xBB, 0xBF], at: 0)
            default:
                break
            }
            bodies.append(body)
        }
        return bodies
    }

    @Test func fastPathAgreesWithTheParserOnGeneratedBodies() {
        let bodies = Self.generatedBodies(count: 600)
        var fastAccepted = 0
        for body in bodies {
            for validator in Self.validators {
                let fast = validator.validatePostBody(body)
                let parsed = validator.validatePostBodyWithParser(body)
                #expect(fast == parsed, "\(String(decoding: body, as: UTF8.self))")
                if JSONFlatObjectScanner.members(body) != nil, case .success = fast { fastAccepted += 1 }
            }
        }
        // The generator must exercise both paths, and the fast path must accept some bodies.
        #expect(fastAccepted > 20)
        #expect(bodies.filter { JSONFlatObjectScanner.members($0) == nil }.count > 100)
    }
}

/// A small deterministic generator (SplitMix64), so generated cases are the same on every run.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
