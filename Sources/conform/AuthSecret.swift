import Foundation

/// Why a secret file cannot be used; names the file, never its contents.
struct AuthSecretError: Error {
    var reason: String
}

/// The HS256 secret in `path` (`--auth-secret-file`), one trailing line break ignored.
func readAuthSecret(_ path: String) -> Result<[UInt8], AuthSecretError> {
    guard let data = FileManager.default.contents(atPath: path) else { return .failure(AuthSecretError(reason: "cannot read the secret file \(path)")) }
    var bytes = [UInt8](data)
    if bytes.last == UInt8(ascii: "\n") { bytes.removeLast() }
    if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
    guard !bytes.isEmpty else { return .failure(AuthSecretError(reason: "the secret file \(path) is empty")) }
    return .success(bytes)
}
