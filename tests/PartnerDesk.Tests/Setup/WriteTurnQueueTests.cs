using PartnerDesk.Platform.Data;

namespace PartnerDesk.Tests.Setup;

/// <summary>SQLite's write turns (pure): in order of asking, first in line before the rest, and no turn lost to a waiter that gives up.</summary>
public sealed class WriteTurnQueueTests
{
    private static readonly TimeSpan Long = TimeSpan.FromMinutes(1);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Turns_go_in_the_order_asked_and_a_turn_asked_first_in_line_before_every_ordinary_one_waiting()
    {
        var turns = new WriteTurnQueue();
        Assert.True(await turns.WaitAsync(Long, false, Ct)); // free: at once

        var a = turns.WaitAsync(Long, false, Ct);
        var b = turns.WaitAsync(Long, false, Ct);
        var urgent = turns.WaitAsync(Long, true, Ct);
        Assert.False(a.IsCompleted || b.IsCompleted || urgent.IsCompleted);

        turns.Release();
        Assert.True(await urgent);
        Assert.False(a.IsCompleted || b.IsCompleted);

        turns.Release();
        Assert.True(await a);
        Assert.False(b.IsCompleted);

        turns.Release();
        Assert.True(await b);

        turns.Release();
        Assert.True(await turns.WaitAsync(TimeSpan.Zero, false, Ct)); // free again
    }

    [Fact]
    public async Task A_waiter_that_gives_up_is_passed_over_and_the_turn_goes_on_to_the_next()
    {
        var turns = new WriteTurnQueue();
        Assert.True(turns.Wait(Long, false));

        Assert.False(await turns.WaitAsync(TimeSpan.FromMilliseconds(20), false, Ct)); // timed out
        Assert.False(await Task.Run(() => turns.Wait(TimeSpan.FromMilliseconds(20), true), Ct)); // timed out, first in line
        using var cancel = new CancellationTokenSource();
        var cancelled = turns.WaitAsync(Long, false, cancel.Token);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        var next = turns.WaitAsync(Long, false, Ct);

        turns.Release();
        Assert.True(await next);
        turns.Release();
        Assert.True(turns.Wait(TimeSpan.Zero, false));
    }

    [Fact]
    public async Task An_ordinary_waiter_gets_every_other_turn_however_many_ask_first_in_line()
    {
        var turns = new WriteTurnQueue();
        Assert.True(await turns.WaitAsync(Long, false, Ct));
        var urgent = Enumerable.Range(0, 3).Select(_ => turns.WaitAsync(Long, true, Ct)).ToList();
        var create = turns.WaitAsync(Long, false, Ct);

        turns.Release();
        Assert.True(await urgent[0]);
        turns.Release();
        Assert.True(await create); // after one first in line, the ordinary one waiting
        Assert.False(urgent[1].IsCompleted);
        turns.Release();
        Assert.True(await urgent[1]);
        turns.Release();
        Assert.True(await urgent[2]); // nobody ordinary waits: first in line again
        turns.Release();
        Assert.True(turns.Wait(TimeSpan.Zero, false));
    }

    [Fact]
    public async Task Waiters_giving_up_while_turns_are_handed_on_never_let_two_in_or_leave_the_turn_held()
    {
        // Many waiters with timeouts of a millisecond or two race the hand-over: a turn given just as its waiter gave up
        // must be passed on, or the gate stays held for good.
        var turns = new WriteTurnQueue();
        var inside = 0;
        var most = 0;
        var taken = 0;
        async Task Writer(int i)
        {
            var took = i % 2 == 0
                ? await turns.WaitAsync(TimeSpan.FromMilliseconds(i % 3), i % 5 == 0, Ct)
                : await Task.Run(() => turns.Wait(TimeSpan.FromMilliseconds(i % 3), i % 5 == 0), Ct);
            if (!took)
            {
                return;
            }

            Interlocked.Increment(ref taken);
            var now = Interlocked.Increment(ref inside);
            InterlockedMax(ref most, now);
            await Task.Yield();
            Interlocked.Decrement(ref inside);
            turns.Release();
        }

        for (var round = 0; round < 20; round++)
        {
            Assert.True(await turns.WaitAsync(Long, false, Ct));
            var writers = Enumerable.Range(0, 50).Select(i => Writer(i + round)).ToArray();
            await Task.Delay(1, Ct);
            turns.Release();
            await Task.WhenAll(writers);
        }

        Assert.Equal(1, most);
        Assert.True(taken > 0);
        Assert.True(turns.Wait(TimeSpan.Zero, false)); // free at the end
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }

    [Fact]
    public async Task First_in_line_holds_for_the_flow_that_asked_and_ends_with_its_scope()
    {
        Assert.False(WriteTurns.IsFirstInLine);
        using (WriteTurns.FirstInLine())
        {
            Assert.True(WriteTurns.IsFirstInLine);
            Assert.True(await Task.Run(() => WriteTurns.IsFirstInLine, Ct)); // flows into work it starts
        }

        Assert.False(WriteTurns.IsFirstInLine);
        Assert.False(await Task.Run(() => WriteTurns.IsFirstInLine, Ct));

        // Set inside an awaited method, it stays there; nested scopes give back what was before.
        static async Task Inside()
        {
            using var scope = WriteTurns.FirstInLine();
            await Task.Yield();
        }

        await Inside();
        Assert.False(WriteTurns.IsFirstInLine);
        using (WriteTurns.FirstInLine())
        {
            using (WriteTurns.FirstInLine())
            {
            }

            Assert.True(WriteTurns.IsFirstInLine);
        }
    }
}
