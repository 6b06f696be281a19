import WireCodecs

/// The chat page at `/` and its files (`Web/`, embedded as `WebAssets`): answers GET and HEAD for
/// exactly the embedded names, nothing else (no file system, so no path can reach outside them).
///
/// The files are compiled into the binary rather than shipped as SwiftPM resources: the static
/// `reference-server` is copied alone to other machines, and a missing resource bundle would
/// otherwise crash `Bundle.module` at the first request for the page.
///
/// Caching: `Cache-Control: no-cache` with a strong `ETag` (the content's FNV-1a hash), so a
/// browser revalidates on each load and gets `304 Not Modified` while the server's files are
/// unchanged (RFC 9111 §5.2.2.4, RFC 9110 §8.8.3, §13.1.2).
public enum WebPage {
    /// One embedded file with its prebuilt body and validator.
    struct Asset: Sendable {
        let contentType: String
        let body: [UInt8]
        let entityTag: String
    }

    /// Request path → asset: `index.html` at `/`, every other file under `/assets/` (Spec HTTP-3).
    static let assets: [String: Asset] = {
        var assets: [String: Asset] = [:]
        for (name, text) in WebAssets.files {
            let body = Array(text.utf8)
            let asset = Asset(contentType: contentType(forName: name), body: body, entityTag: entityTag(of: body))
            assets[name == "index.html" ? "/" : "/assets/" + name] = asset
        }
        return assets
    }()

    /// The paths the page is served at.
    public static var paths: [String] { assets.keys.sorted() }

    /// The answer to a request for one of the page's paths; nil for any other path.
    public static func response(for head: HTTPRequestHead) -> HTTPResponse? {
        guard let asset = assets[head.path] else { return nil }
        var headers = HTTPHeaders()
        guard head.method == "GET" || head.method == "HEAD" else {
            headers.add(name: "Allow", value: "GET, HEAD")
            headers.add(name: "Content-Type", value: "text/plain; charset=utf-8")
            return HTTPResponse(head: HTTPResponseHead(status: 405, headers: headers), body: Array("method not allowed; use GET\n".utf8))
        }
        headers.add(name: "ETag", value: asset.entityTag)
        headers.add(name: "Cache-Control", value: "no-cache")
        if let candidates = head.headers["If-None-Match"], matches(candidates, asset.entityTag) {
            return HTTPResponse(head: HTTPResponseHead(status: 304, headers: headers))
        }
        headers.add(name: "Content-Type", value: asset.contentType)
        headers.add(name: "X-Content-Type-Options", value: "nosniff")
        headers.add(name: "Referrer-Policy", value: "no-referrer")
        headers.add(name: "Content-Security-Policy", value: contentSecurityPolicy)
        if head.method == "HEAD" {
            headers.add(name: "Content-Length", value: String(asset.body.count))
            return HTTPResponse(head: HTTPResponseHead(status: 200, headers: headers))
        }
        return HTTPResponse(head: HTTPResponseHead(status: 200, headers: headers), body: asset.body)
    }

    /// Only the page's own files and connections to its own server: no external URL can load.
    static let contentSecurityPolicy = "default-src 'self'; connect-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"

    static func contentType(forName name: String) -> String {
        switch name.split(separator: ".").last {
        case "html": "text/html; charset=utf-8"
        case "css": "text/css; charset=utf-8"
        case "js": "text/javascript; charset=utf-8"
        case "svg": "image/svg+xml"
        case "json": "application/json"
        default: "application/octet-stream"
        }
    }

    /// `If-None-Match`: `*` or a list of entity tags, weak ones compared weakly (RFC 9110 §13.1.2).
    static func matches(_ field: String, _ entityTag: String) -> Bool {
        field.split(separator: ",").contains { candidate in
            // An entity tag holds no whitespace (etagc), so dropping it leaves the tag alone.
            let tag = candidate.filter { $0 != " " && $0 != "\t" }
            return tag == "*" || tag == entityTag || tag == "W/" + entityTag
        }
    }

    /// A strong entity tag: the 64-bit FNV-1a hash of the body, quoted.
    static func entityTag(of body: [UInt8]) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in body {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return "\"" + String(repeating: "0", count: 16 - hex.count) + hex + "\""
    }
}
