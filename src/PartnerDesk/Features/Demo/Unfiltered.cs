using Microsoft.EntityFrameworkCore;
using PartnerDesk.Platform.Data;

namespace PartnerDesk.Features.Demo;

/// <summary>
/// The few reads of this feature that must look past the caller's query filters, each narrow and each saying
/// why. Outside Platform/, a file of this name is the only place that may call <c>IgnoreQueryFilters</c> (an
/// architecture test holds every feature to it), so every way around isolation is found by its name.
/// </summary>
public static class Unfiltered
{
    /// <summary>At first start, before anyone is known: is the database empty?</summary>
    public static Task<bool> AnyOrganisation(PartnerDeskDb db) => db.Organisations.IgnoreQueryFilters().AnyAsync();

    /// <summary>At start, before anyone is known: does the demo world's agent exist (then the demo password is worth printing)?</summary>
    public static Task<bool> AgentExists(PartnerDeskDb db, Guid agentId) => db.Agents.IgnoreQueryFilters().AnyAsync(a => a.Id == agentId);
}
