namespace PartnerDesk.Platform.Jobs;

/// <summary>
/// A background job that runs a round every tick until the host stops: a failed round is logged and the
/// next one starts on time, so the loop never dies. Tests switch the timer off and call the round.
/// </summary>
public abstract class PeriodicJob(TimeProvider clock, ILogger log) : BackgroundService
{
    protected TimeProvider Clock { get; } = clock;

    protected ILogger Log { get; } = log;

    protected abstract bool Enabled { get; }

    protected abstract TimeSpan Tick { get; }

    /// <summary>One round; returns how much it did (for tests and logs).</summary>
    public abstract Task<int> RunOnce(CancellationToken ct);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Enabled)
        {
            return;
        }

        using var timer = new PeriodicTimer(Tick, Clock);
        do
        {
            try
            {
                await RunOnce(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                Log.LogWarning(e, "A round of {Job} failed; the next starts in {Tick}.", GetType().Name, Tick);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
