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
        using var turns = new WriteTurnQueue();
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
        using var turns = new WriteTurnQueue();
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
    }
}
