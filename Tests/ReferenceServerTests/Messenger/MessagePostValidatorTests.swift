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
}
