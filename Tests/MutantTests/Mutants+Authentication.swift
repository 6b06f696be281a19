import Foundation
import ReferenceServer
import WireCodecs

/// Authentication and origin faults (Spec AUTH-2..8, ORIGIN-2, CORS-3). The AUTH and ORIGIN mutants
/// run authenticated: the server with a secret and an allow-list, the kit with the secret.
enum AuthenticationMutants {
    static let all: [Mutant] = [
        connectWithoutToken, acceptsAlgorithmNone, ignoresExpiry, trustsJoinName, noExpiryDisconnect,
        postWithoutToken, postSenderUnchecked, originUncheckedOnSocketIO, credentialsForAnyOrigin,
    ]

    /// The claims of a token read without verifying anything (what a careless server does).
    static func unverifiedClaims(_ token: String?) -> JSONWebTokenClaims? {
        guard let token else { return nil }
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let bytes = Base64URL.decode(parts[1]), let payload = try? JSONParser.parse(bytes),
              let subject = payload["sub"]?.stringValue
        else { return nil }
        return JSONWebTokenClaims(subject: subject, expiresAt: Date().timeIntervalSince1970 + 3_600)
    }

    static let connectWithoutToken = Mutant(
        "connect-without-token", fault: "lets a CONNECT without a token in, bound to an anonymous user", breaks: ["AUTH-2"],
        fails: ["auth/connect-without-token"], isAuthenticated: true
    ) { _ in
        var hooks = ServerHooks()
        hooks.verifyToken = { token, place, standard in
            guard token == nil, place == .connect else { return standard }
            return .success(JSONWebTokenClaims(subject: "anonymous", expiresAt: Date().timeIntervalSince1970 + 3_600))
        }
        return hooks
    }

    static let acceptsAlgorithmNone = Mutant(
        "accepts-alg-none", fault: "accepts tokens with alg none at CONNECT (trusts the token's own alg)", breaks: ["AUTH-3"],
        fails: ["auth/forged-tokens"], isAuthenticated: true
    ) { _ in
        var hooks = ServerHooks()
        hooks.verifyToken = { token, place, standard in
            guard place == .connect, case .failure(.unsupportedAlgorithm("none")) = standard, let claims = unverifiedClaims(token) else { return standard }
            return .success(claims)
        }
        return hooks
    }

    static let ignoresExpiry = Mutant(
        "ignores-exp", fault: "does not check exp at CONNECT (an expired token connects)", breaks: ["AUTH-4"],
        fails: ["auth/invalid-claims"], isAuthenticated: true
    ) { _ in
        var hooks = ServerHooks()
        hooks.verifyToken = { token, place, standard in
            guard place == .connect, case .failure(.expired) = standard, let claims = unverifiedClaims(token) else { return standard }
            return .success(claims)
        }
        return hooks
    }

    static let trustsJoinName = Mutant(
        "trusts-join-name", fault: "checks the token at CONNECT but trusts the join name over its sub", breaks: ["AUTH-5"],
        fails: ["auth/join-another-user", "auth/read-another-history"], isAuthenticated: true
    ) { _ in
        var hooks = ServerHooks()
        hooks.authorizeUser = { _, _, place, standard in place == .join ? true : standard }
        return hooks
    }

    static let noExpiryDisconnect = Mutant(
        "no-expiry-disconnect", fault: "checks exp at CONNECT only: a session outlives its token", breaks: ["AUTH-6"],
        fails: ["auth/expiry-during-session"], isAuthenticated: true
    ) { _ in
        var hooks = ServerHooks()
        hooks.verifyToken = { _, place, standard in
            guard place == .connect, case .success(var claims) = standard else { return standard }
            claims.expiresAt += 86_400
            return .success(claims)
        }
        return hooks
    }

    static let postWithoutToken = Mutant(
        "post-without-token", fault: "accepts POST /messages without a bearer token (protects only the socket)", breaks: ["AUTH-7"],
        fails: ["auth/post-without-valid-token"], isAuthenticated: true
    ) { _ in
        var hooks = ServerHooks()
        hooks.verifyToken = { token, place, standard in
            guard token == nil, place == .post else { return standard }
            return .success(JSONWebTokenClaims(subject: "*", expiresAt: Date().timeIntervalSince1970 + 3_600))
        }
        hooks.authorizeUser = { subject, _, place, standard in place == .post && subject == "*" ? true : standard }
        return hooks
    }

    static let postSenderUnchecked = Mutant(
        "post-sender-unchecked", fault: "checks the bearer token on POST but not that its sub is the sender", breaks: ["AUTH-8"],
        fails: ["auth/post-as-another-sender"], isAuthenticated: true
    ) { _ in
        var hooks = ServerHooks()
        hooks.authorizeUser = { _, _, place, standard in place == .post ? true : standard }
        return hooks
    }

    static let originUncheckedOnSocketIO = Mutant(
        "origin-unchecked-on-socket-io", fault: "checks Origin on /messages only: polling and WebSocket upgrades from any origin",
        breaks: ["ORIGIN-2"], fails: ["origin/foreign-origin-refused"], isAuthenticated: true
    ) { _ in
        var hooks = ServerHooks()
        hooks.request = { request in
            if Wire.path(request.head.target).hasPrefix("/socket.io") { request.head.headers.remove(name: "Origin") }
            return nil
        }
        return hooks
    }

    static let credentialsForAnyOrigin = Mutant(
        "credentials-for-any-origin", fault: "reflects any Origin with Access-Control-Allow-Credentials: true", breaks: ["CORS-3"],
        fails: ["cors/no-credentials-flag"]
    ) { _ in
        var hooks = ServerHooks()
        hooks.response = { request, response in
            guard request?.headers["Origin"] != nil else { return response }
            var response = response
            response.head.headers.replaceOrAdd(name: "Access-Control-Allow-Credentials", value: "true")
            return response
        }
        return hooks
    }
}
