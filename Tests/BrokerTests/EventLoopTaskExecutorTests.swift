import NIOCore
import NIOPosix
import Testing
@testable import Broker

@Suite("A connection's tasks on its event loop")
struct EventLoopTaskExecutorTests {
    @Test("tasks preferring the executor run on the loop's thread, before and after a suspension, and so do their children")
    func runsOnTheLoop() async throws {
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let executor = EventLoopTaskExecutor(loop)
        let seen = await withTaskGroup(of: [Bool].self) { tasks in
            tasks.addTask(executorPreference: executor) {
                var seen = [loop.inEventLoop]
                try? await Task.sleep(for: .milliseconds(5))
                seen.append(loop.inEventLoop)
                // A future completed on the loop resumes the task there too.
                _ = try? await loop.scheduleTask(in: .milliseconds(1)) {}.futureResult.get()
                seen.append(loop.inEventLoop)
                seen.append(await Task(executorPreference: executor) { loop.inEventLoop }.value)
                async let child = loop.inEventLoop
                seen.append(await child)
                return seen
            }
            return await tasks.next() ?? []
        }
        #expect(seen == [true, true, true, true, true])
        // Without the preference a task runs on the shared pool, not on the loop.
        #expect(await Task { loop.inEventLoop }.value == false)
    }
}
