import NIOCore
import Testing

@testable import AdmitService

/// `ConnectionState`: a connection's rules as events in, actions out, without a channel.
///
/// (Each event's answer is taken into a constant first: `#expect` cannot call a mutating method.)
@Suite struct ConnectionStateTests {
    static let start = NIODeadline.uptimeNanoseconds(1_000_000_000)

    static func tcp() -> ConnectionState {
        ConnectionState(maxReadsInFlight: 2, shutdown: .closeOutputAndDrain, idleTimeout: .seconds(60))
    }

    static func stdio() -> ConnectionState {
        ConnectionState(maxReadsInFlight: 2, shutdown: .close, idleTimeout: nil)
    }

    @Test func readsAreHeldWhileTooManyWaitForTheWorkerAndResumeWhenOneIsAnswered() {
        var state = Self.tcp()
        let first = state.readRequested(isWritable: true)
        state.submitted(at: Self.start)
        let second = state.readRequested(isWritable: true)
        state.submitted(at: Self.start)
        let third = state.readRequested(isWritable: true)
        #expect(first && second)
        #expect(!third, "two reads in flight: hold")
        #expect(state.readHeld)
        let resumed = state.answered(isWritable: true)
        #expect(resumed, "one answered: the held read goes on")
        #expect(!state.readHeld)
        let resumedAgain = state.answered(isWritable: true)
        #expect(!resumedAgain, "nothing held: nothing to resume")
        #expect(state.inFlight == 0)
    }

    @Test func readsAreHeldWhileTheOutputIsNotWritable() {
        var state = Self.tcp()
        let read = state.readRequested(isWritable: false)
        let stillFull = state.writabilityChanged(isWritable: false)
        let writable = state.writabilityChanged(isWritable: true)
        let writableAgain = state.writabilityChanged(isWritable: true)
        #expect(!read && !stillFull)
        #expect(writable)
        #expect(!writableAgain, "resumed once")
        state.submitted(at: Self.start)
        let held = state.readRequested(isWritable: false)
        let answeredWhileFull = state.answered(isWritable: false)
        let drained = state.writabilityChanged(isWritable: true)
        #expect(!held)
        #expect(!answeredWhileFull, "answered, but the output is still full")
        #expect(drained)
    }

    @Test func theEndOfInputTakesTheLastLineAndClosesOnceEveryReadIsAnswered() {
        var state = Self.stdio()
        state.submitted(at: Self.start)
        let inputEnd = state.inputClosed()
        #expect(inputEnd == .takeLastLineThenEnd)
        #expect(!state.takesRequests)
        state.submitted(at: Self.start)  // the last, unterminated line
        let withTwo = state.ending()
        _ = state.answered(isWritable: true)
        let withOne = state.ending()
        let resumed = state.answered(isWritable: true)
        let withNone = state.ending()
        let read = state.readRequested(isWritable: true)
        let secondEnd = state.inputClosed()
        #expect(withTwo == .none && withOne == .none, "replies still to come")
        #expect(!resumed)
        #expect(withNone == .close)
        #expect(!read, "nothing more to read")
        #expect(secondEnd == .none)
    }

    @Test func aShutdownDrainsTCPAndClosesStdioAfterTheReplies() {
        var tcp = Self.tcp()
        tcp.submitted(at: Self.start)
        let quiesced = tcp.quiesce()
        let quiescedAgain = tcp.quiesce()
        #expect(quiesced && !quiescedAgain, "once")
        #expect(!tcp.takesRequests)
        let drains = tcp.readRequested(isWritable: false)
        #expect(drains, "drains whatever still arrives")
        let whileInFlight = tcp.ending()
        let resumed = tcp.answered(isWritable: true)
        let afterReplies = tcp.ending()
        let again = tcp.ending()
        #expect(whileInFlight == .none)
        #expect(!resumed, "no read resumed while shutting down")
        #expect(afterReplies == .closeOutputAndDrain)
        #expect(again == .none, "the sending side is shut down once")
        let clientClosed = tcp.inputClosed()
        let afterClient = tcp.ending()
        #expect(clientClosed == .end, "the client closed too")
        #expect(afterClient == .close)

        var stdio = Self.stdio()
        let stdioQuiesced = stdio.quiesce()
        let stdioEnding = stdio.ending()
        #expect(stdioQuiesced)
        #expect(stdioEnding == .close)
    }

    @Test func aConnectionIdleForTheTimeoutTimesOutButNotWhileItsReadsAreAnswered() {
        var state = Self.tcp()
        let firstCheck = state.activated(at: Self.start)
        #expect(firstCheck == Self.start + .seconds(60))
        let early = state.checkIdle(at: Self.start + .seconds(30))
        #expect(early == .checkAgain(at: Self.start + .seconds(60)))
        state.submitted(at: Self.start + .seconds(40))
        let answering = state.checkIdle(at: Self.start + .seconds(100))
        #expect(answering == .checkAgain(at: Self.start + .seconds(160)), "answering is progress")
        _ = state.answered(isWritable: true)
        state.replyWritten(at: Self.start + .seconds(110))
        let afterReply = state.checkIdle(at: Self.start + .seconds(160))
        let idle = state.checkIdle(at: Self.start + .seconds(170))
        #expect(afterReply == .checkAgain(at: Self.start + .seconds(170)))
        #expect(idle == .timedOut)
        #expect(state.phase == .timedOut)
        let drains = state.readRequested(isWritable: true)
        let ending = state.ending()
        let clientClosed = state.inputClosed()
        let later = state.checkIdle(at: Self.start + .seconds(500))
        #expect(drains, "drains")
        #expect(ending == .none)
        #expect(clientClosed == .close)
        #expect(later == .stop)
    }

    @Test func itsOwnHalfCloseBeforeADrainDoesNotCloseButAGoneReaderDoes() {
        var open = Self.tcp()
        #expect(open.outputClosed(), "the replies cannot be written: close")
        open.submitted(at: Self.start)
        _ = open.quiesce()
        let inFlight = open.ending()
        #expect(inFlight == .none)
        #expect(open.outputClosed(), "not shut down by the handler yet")
        _ = open.answered(isWritable: true)
        let ending = open.ending()
        #expect(ending == .closeOutputAndDrain)
        #expect(!open.outputClosed(), "its own half-close: drain on")

        var idle = Self.tcp()
        _ = idle.activated(at: Self.start)
        let timedOut = idle.checkIdle(at: Self.start + .seconds(60))
        #expect(timedOut == .timedOut)
        #expect(!idle.outputClosed(), "its own half-close after the error line: drain on")

        var stdio = Self.stdio()
        _ = stdio.quiesce()
        let stdioEnding = stdio.ending()
        #expect(stdioEnding == .close)
        #expect(stdio.outputClosed(), "standard output's reader went away: close")
    }

    @Test func stdioNeverTimesOut() {
        var state = Self.stdio()
        let firstCheck = state.activated(at: Self.start)
        let muchLater = state.checkIdle(at: Self.start + .seconds(3600))
        #expect(firstCheck == nil)
        #expect(muchLater == .stop)
        #expect(state.phase == .open)
    }
}
