import Foundation
import MessageStore
import ReferenceServer
import WireCodecs

/// `POST /messages`, routing, CORS and robustness-of-HTTP faults (Spec SEND, HTTP, CORS, ROBUST-4).
enum HTTPMutants {
    static let all: [Mutant] = [
        catchAllRoute, closesEveryConnection, noCORSOnPost, noPreflight, refuseEmptyContent, truncateContent,
        coerceNonStringFields, htmlErrorBodies, oversizedAnswered500, naiveTimestampIn201, malformedHTTPAnswered500,
    ]

    static let catchAllRoute = Mutant(
        "catch-all-route", fault: "serves its index page at every unknown path instead of 404 (a single-page app's fallback route)",
        breaks: ["HTTP-1"], fails: ["http/routing"]
    ) { _ in
        var hooks = ServerHooks()
        hooks.request = { request in
            let path = Wire.path(request.head.target)
            return path == "/messages" || path.hasPrefix("/socket.io") ? nil : Wire.text(200, "<h1>Messenger</h1>")
        }
        return hooks
    }

    static let closesEveryConnection = Mutant(
        "closes-every-connection", fault: "closes the HTTP connection after every POST /messages (HTTP/1.0 style)", breaks: ["HTTP-2"],
        fails: ["http/keep-alive"]
    ) { _ in
        var hooks = ServerHooks()
        hooks.request = { request in
            if Wire.path(request.head.target) == "/messages" { request.head.headers.replaceOrAdd(name: "Connection", value: "close") }
            return nil
        }
        return hooks
    }

    static let noCORSOnPost = Mutant(
        "no-cors-on-post", fault: "sends no Access-Control-Allow-Origin on POST /messages", breaks: ["CORS-1"], fails: ["cors/allow-origin"]
    ) { _ in
        var hooks = ServerHooks()
        hooks.response = { request, response in
            guard request?.method == "POST", let target = request?.target, Wire.path(target) == "/messages" else { return response }
            var response = response
            response.head.headers.remove(name: "Access-Control-Allow-Origin")
            return response
        }
        return hooks
    }

    static let noPreflight = Mutant(
        "no-preflight", fault: "has no OPTIONS route on /messages (CORS preflight answered 405)", breaks: ["CORS-2"], fails: ["cors/preflight"]
    ) { _ in
        var hooks = ServerHooks()
        hooks.request = { request in
            guard request.head.method == "OPTIONS", Wire.path(request.head.target) == "/messages" else { return nil }
            return Wire.json(405, .object([JSONMember("error", .string("method not allowed"))]))
        }
        return hooks
    }

    static let refuseEmptyContent = Mutant(
        "refuse-empty-content", fault: "refuses an empty content string as a missing field", breaks: ["SEND-1"], fails: ["send/accepted"]
    ) { _ in
        var hooks = ServerHooks()
        hooks.validatePost = { _, standard in
            if case .success(let message) = standard, message.content.isEmpty {
                return .failure(MessagePostValidator.Refusal(status: 400, reason: "missing field: content"))
            }
            return standard
        }
        return hooks
    }

    static let truncateContent = Mutant(
        "truncate-content", fault: "stores content in a 60,000-byte column: longer content is cut", breaks: ["SEND-2"],
        fails: ["send/limits-and-unicode"]
    ) { _ in
        var hooks = ServerHooks()
        hooks.validatePost = { _, standard in
            guard case .success(var message) = standard, message.content.utf8.count > 60_000 else { return standard }
            message.content = String(decoding: Array(message.content.utf8.prefix(60_000)), as: UTF8.self)
            return .success(message)
        }
        return hooks
    }

    static let coerceNonStringFields = Mutant(
        "coerce-non-string-fields", fault: "accepts non-string fields, stored as their JSON text (Python str())", breaks: ["SEND-3"],
        fails: ["send/invalid-bodies"]
    ) { _ in
        var hooks = ServerHooks()
        hooks.validatePost = { body, standard in
            guard case .failure = standard, case .object(let members)? = try? JSONParser.parse(body) else { return standard }
            var fields: [String: String] = [:]
            for member in members {
                if case .string(let text) = member.value { fields[member.key] = text } else { fields[member.key] = JSONSerializer.serialize(member.value) }
            }
            guard let sender = fields["sender"], let receiver = fields["receiver"], let content = fields["content"],
                  !sender.isEmpty, !receiver.isEmpty else { return standard }
            return .success(NewMessage(sender: sender, receiver: receiver, content: content))
        }
        return hooks
    }

    static let htmlErrorBodies = Mutant(
        "html-error-bodies", fault: "refuses bad bodies with the framework's HTML error page, not a JSON error", breaks: ["SEND-3", "SEND-4"],
        fails: ["send/invalid-bodies", "send/oversized"]
    ) { _ in
        var hooks = ServerHooks()
        hooks.response = { request, response in
            // An oversized body is refused by the HTTP parser (no request head) with 413.
            let isMessages = request.map { Wire.path($0.target) == "/messages" } ?? (response.head.status == 413)
            guard isMessages, [400, 413].contains(response.head.status) else { return response }
            return Wire.text(response.head.status, "<!doctype html><title>\(response.head.status) Bad Request</title>")
        }
        return hooks
    }

    static let oversizedAnswered500 = Mutant(
        "oversized-answered-500", fault: "fails on an oversized message with 500 instead of refusing it", breaks: ["SEND-4"],
        fails: ["send/oversized"]
    ) { _ in
        var hooks = ServerHooks()
        hooks.response = { request, response in
            guard request.map({ Wire.path($0.target) == "/messages" }) ?? true, response.head.status == 413 else { return response }
            return Wire.json(500, .object([JSONMember("error", .string("internal server error"))]))
        }
        return hooks
    }

    static let naiveTimestampIn201 = Mutant(
        "naive-timestamp-in-201", fault: "answers 201 with a zone-less local timestamp of its own, not the stored one", breaks: ["SEND-5"],
        fails: ["send/server-timestamp"]
    ) { _ in
        var hooks = ServerHooks()
        hooks.response = { request, response in
            guard request?.method == "POST", response.head.status == 201,
                  let body = try? JSONParser.parse(response.body), let stamp = body["timestamp"]?.stringValue, stamp.hasSuffix("Z")
            else { return response }
            var response = response
            response.body = Array(JSONSerializer.serialize(body.setting("timestamp", .string(String(stamp.dropLast(5))))).utf8)
            return response
        }
        return hooks
    }

    static let malformedHTTPAnswered500 = Mutant(
        "malformed-http-500", fault: "answers a malformed HTTP request 500 (an unhandled parse exception)", breaks: ["ROBUST-4"],
        fails: ["robustness/advisory-header-floods", "robustness/malformed-http"]
    ) { _ in
        var hooks = ServerHooks()
        hooks.response = { request, response in
            guard request == nil, response.head.status != 413 else { return response }
            var head = response.head
            head.status = 500
            return HTTPResponse(head: head, body: response.body)
        }
        return hooks
    }
}
