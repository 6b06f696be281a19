/// A `WebSocketEndpoint` in an effect: equal when it is the same endpoint.
struct WebSocketReference: Equatable {
    let endpoint: any WebSocketEndpoint

    init(_ endpoint: any WebSocketEndpoint) { self.endpoint = endpoint }

    static func == (left: WebSocketReference, right: WebSocketReference) -> Bool { left.endpoint === right.endpoint }
}
