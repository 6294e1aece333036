using Microsoft.EntityFrameworkCore;
using PartnerDesk.Platform.Data;

namespace PartnerDesk.Features.Demo;

/// <summary>This feature's reads past the caller's query filters, each narrow and saying why (the only file of a feature that may: docs/architecture.md).</summary>
public static class Unfiltered
{
    /// <summary>At first start, before anyone is known: is the database empty?</summary>
    public static Task<bool> AnyOrganisation(PartnerDeskDb db) => db.Organisations.IgnoreQueryFilters().AnyAsync();

    /// <summary>At start, before anyone is known: does the demo world's agent exist (then the demo password is worth printing)?</summary>
    public static Task<bool> AgentExists(PartnerDeskDb db, Guid agentId) => db.Agents.IgnoreQueryFilters().AnyAsync(a => a.Id == agentId);
}
