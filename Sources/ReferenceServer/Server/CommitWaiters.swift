/// Who waits for each submitted message, by submission number.
///
/// Numbers are handed out in order, so the waiters sit in an array from the oldest one still waiting:
/// no hashing per message (the hot path). A result may come back out of order (a store that fails
/// one message at once while older ones are being committed): its slot is emptied and the front moves
/// on once every older one is answered.
struct CommitWaiters<Waiter> {
    private var slots: [Waiter?] = []
    /// Where the oldest waiting number's slot is in `slots`.
    private var head = 0
    /// The number of `slots[head]`.
    private var headNumber: UInt64 = 1
    /// The number the next waiter gets.
    private(set) var nextNumber: UInt64 = 1

    /// Adds a waiter; returns its number.
    mutating func add(_ waiter: consuming Waiter) -> UInt64 {
        slots.append(waiter)
        defer { nextNumber += 1 }
        return nextNumber
    }

    /// Removes and returns the waiter of `number`; nil when it is unknown or already removed.
    mutating func remove(_ number: UInt64) -> Waiter? {
        guard number >= headNumber, number < nextNumber else { return nil }
        let index = head + Int(number - headNumber)
        // Moved out, not copied (a copy of a waiter retains what it holds).
        guard let waiter = slots[index].take() else { return nil }
        while head < slots.count, slots[head] == nil {
            head += 1
            headNumber += 1
        }
        if head == slots.count {
            slots.removeAll(keepingCapacity: true)
            head = 0
        } else if head >= 1024, head * 2 >= slots.count {
            slots.removeFirst(head)
            head = 0
        }
        return waiter
    }

    /// How many waiters have not been removed (holes before the front are not counted).
    var count: Int { slots[head...].reduce(0) { $1 == nil ? $0 : $0 + 1 } }
}
