@testable import ReferenceServer
import Testing
import WireCodecs

/// The chat page's routes: content types, caching, methods, and no path outside the embedded files.
@Suite struct WebPageTests {
    static func head(_ method: String, _ target: String, _ headers: HTTPHeaders = HTTPHeaders()) -> HTTPRequestHead {
        HTTPRequestHead(method: method, target: target, headers: headers)
    }

    @Test(arguments: [
        ("/", "text/html; charset=utf-8"),
        ("/assets/app.js", "text/javascript; charset=utf-8"), ("/assets/socketio-client.js", "text/javascript; charset=utf-8"),
        ("/assets/conversations.js", "text/javascript; charset=utf-8"), ("/assets/app.css", "text/css; charset=utf-8"),
    ])
    func servesEachFileWithItsContentType(path: String, contentType: String) throws {
        let response = try #require(WebPage.response(for: Self.head("GET", path + "?v=1")))
        #expect(response.head.status == 200)
        #expect(response.head.headers["Content-Type"] == contentType)
        #expect(response.head.headers["Cache-Control"] == "no-cache")
        #expect(response.head.headers["X-Content-Type-Options"] == "nosniff")
        #expect(response.head.headers["ETag"]?.count == 18)
        #expect(!response.body.isEmpty)
    }

    @Test func theIndexIsThePageAndNamesOnlyLocalFiles() throws {
        let response = try #require(WebPage.response(for: Self.head("GET", "/")))
        let html = String(decoding: response.body, as: UTF8.self)
        #expect(html.contains("<title>Messenger</title>"))
        #expect(!html.contains("http://") && !html.contains("https://"), "the page must work offline")
        #expect(response.head.headers["Content-Security-Policy"]?.contains("default-src 'self'") == true)
    }

    @Test func aMatchingETagIs304WithoutBody() throws {
        let first = try #require(WebPage.response(for: Self.head("GET", "/assets/app.js")))
        let tag = try #require(first.head.headers["ETag"])
        for field in [tag, "W/\(tag)", "\"0000000000000000\", \(tag)", "*"] {
            let again = try #require(WebPage.response(for: Self.head("GET", "/assets/app.js", ["If-None-Match": field])))
            #expect(again.head.status == 304, "If-None-Match: \(field)")
            #expect(again.body.isEmpty)
            #expect(again.head.headers["ETag"] == tag)
        }
        let stale = try #require(WebPage.response(for: Self.head("GET", "/assets/app.js", ["If-None-Match": "\"0000000000000000\""])))
        #expect(stale.head.status == 200)
        // Another file has another tag.
        #expect(WebPage.response(for: Self.head("GET", "/assets/app.css"))?.head.headers["ETag"] != tag)
    }

    @Test func headHasTheLengthButNoBody() throws {
        let get = try #require(WebPage.response(for: Self.head("GET", "/")))
        let head = try #require(WebPage.response(for: Self.head("HEAD", "/")))
        #expect(head.head.status == 200)
        #expect(head.body.isEmpty)
        #expect(head.head.headers["Content-Length"] == String(get.body.count))
    }

    @Test(arguments: ["POST", "PUT", "DELETE", "OPTIONS"])
    func otherMethodsAre405WithAllow(method: String) throws {
        let response = try #require(WebPage.response(for: Self.head(method, "/")))
        #expect(response.head.status == 405)
        #expect(response.head.headers["Allow"] == "GET, HEAD")
    }

    @Test(arguments: [
        "/../Package.swift", "/..%2fPackage.swift", "/%2e%2e/Package.swift", "/Web/index.html", "/tests/client-tests.html",
        "//index.html", "/index.html/", "/./app.js", "/app.js/../app.js", "/APP.JS", "/app.js%00", "/etc/passwd",
        "/Sources/ReferenceServer/Web/WebPage.swift", "/index", "index.html", "*",
    ])
    func nothingOutsideTheEmbeddedFilesIsServed(target: String) {
        #expect(WebPage.response(for: Self.head("GET", target)) == nil, "\(target)")
    }

    @Test func entityTagsAreFNV1a() {
        // FNV-1a 64 of "" and of "a" (the algorithm's published test values).
        #expect(WebPage.entityTag(of: []) == "\"cbf29ce484222325\"")
        #expect(WebPage.entityTag(of: Array("a".utf8)) == "\"af63dc4c8601ec8c\"")
    }
}
