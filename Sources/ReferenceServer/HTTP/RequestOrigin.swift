/// The `Origin` of a request, and whether the server's allow-list names it (Spec CORS-1, CORS-3, ORIGIN-2).
struct RequestOrigin: Sendable, Equatable {
    /// The field's value, as sent.
    var value: String
    /// On the allow-list: only then may a response carry `Access-Control-Allow-Credentials: true`.
    var isAllowListed: Bool

    /// The origin of a request head given the allow-list (empty: no allow-list); nil without an `Origin` field.
    init?(field: String?, allowList: Set<String>) {
        guard let field, !field.isEmpty else { return nil }
        self.value = field
        self.isAllowListed = allowList.contains(field)
    }
}
