import WireCodecs

/// Token authentication (Spec AUTH-1..8): the CONNECT check, `join` and `sender` against the token's
/// `sub`, and the session's end when its token expires.
extension ServerState {
    /// The verdict on `token` now (`ServerHooks.verifyToken` may override it).
    func verifyToken(_ token: String?, place: AuthenticationPlace) -> Result<JSONWebTokenClaims, JSONWebTokenError> {
        guard let tokenVerifier else { return .failure(.malformed("authentication is off")) }
        let standard: Result<JSONWebTokenClaims, JSONWebTokenError> = token.map { tokenVerifier.verify($0, now: time.unixSeconds) }
            ?? .failure(.malformed("no token"))
        return configuration.hooks.verifyToken?(token, place, standard) ?? standard
    }

    /// Whether a token for `subject` may act as `claimed` (`ServerHooks.authorizeUser` may override it).
    func isAuthorized(subject: String, as claimed: String, place: AuthenticationPlace) -> Bool {
        let standard = subject == claimed
        return configuration.hooks.authorizeUser?(subject, claimed, place, standard) ?? standard
    }

    /// A CONNECT to `/` waits for its token's verdict (Spec AUTH-2): approved, the session is bound to
    /// the token's `sub` until `exp` plus the leeway; refused, it gets CONNECT_ERROR and binds nothing.
    mutating func connectRequested(auth: JSONValue?, sid: String) {
        let token = auth?["token"]?.stringValue
        switch verifyToken(token, place: .connect) {
        case .failure(let error):
            let reason = token == nil ? "authentication required: pass {\"token\": \"<JWT>\"} in the CONNECT auth" : "\(error)"
            effects.append(.log(.info, "session \(sid): CONNECT refused: \(reason)"))
            guard let actions = sessions[sid]?.socketIO.refuseConnect(message: "authentication failed: \(reason)") else { return }
            applySocketIO(actions, sid: sid)
        case .success(let claims):
            guard let record = sessions[sid] else { return }
            record.authenticatedSubject = claims.subject
            let leeway = Double(configuration.authentication?.leewaySeconds ?? 0)
            let remaining = max(0, claims.expiresAt + leeway - time.unixSeconds)
            // Far-future tokens: a timer a year out is as good as none.
            let milliseconds = Int(min(remaining, 365 * 24 * 3600) * 1000)
            let deadline = now.advanced(byMilliseconds: milliseconds)
            record.authenticationDeadline = deadline
            effects.append(.scheduleTimer(.authentication, sid: sid, at: deadline))
            applySocketIO(record.socketIO.approveConnect(), sid: sid)
        }
    }

    /// Spec AUTH-5: the `join` of an authenticated session names its own `sub`, or gets `error` and
    /// binds nothing. True when the join may go on (arguments that are no name are JOIN-7's business).
    mutating func admitsJoin(_ arguments: [JSONValue], sid: String) -> Bool {
        guard let record = sessions[sid], let subject = record.authenticatedSubject,
              case .string(let name)? = arguments.first, !name.isEmpty,
              !isAuthorized(subject: subject, as: name, place: .join)
        else { return true }
        applyMessenger([.emitError(record.messengerID, message: "join refused: this session's token is for another user")])
        return false
    }

    /// Spec AUTH-6: the token expired: `error`, DISCONNECT for `/`, and the session closes. The client
    /// reconnects with a new token.
    mutating func tokenExpired(sid: String) {
        guard let record = sessions[sid], record.socketIO.isConnected else { return }
        effects.append(.log(.info, "session \(sid): token expired, disconnecting"))
        applyMessenger([.emitError(record.messengerID, message: "token expired: reconnect with a new token")])
        applySocketIO(record.socketIO.disconnect(closeEngineIO: true), sid: sid)
    }
}
