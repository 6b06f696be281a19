/// The message store: one group-committing writer and one reader over a SQLite file in WAL mode.
///
/// Storage knows nothing of sockets or protocols. Open it once per process; hand `writer` to whatever
/// accepts messages and `reader` to whatever serves history. Both are `Sendable`.
public final class MessageStore: Sendable {
    public let writer: MessageWriter
    public let reader: MessageReader

    /// Opens (creating and migrating if needed) the database file at `path`.
    ///
    /// The file must be on disk (WAL needs it): `":memory:"` is refused with `.journalModeNotWAL`.
    public init(path: String, configuration: StoreConfiguration = .standard) throws(StorageError) {
        let writer = try MessageWriter(path: path, configuration: configuration)
        do {
            self.reader = try MessageReader(path: path, configuration: configuration)
        } catch {
            writer.close()
            throw error
        }
        self.writer = writer
    }

    /// Commits every pending message, then closes the writer and the reader.
    public func close() {
        writer.close()
        reader.close()
    }
}
