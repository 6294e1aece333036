using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore.Metadata;

namespace PartnerDesk.Platform.Data;

/// <summary>
/// A query of the hot paths, translated once instead of at every call (EF Core's translation of an ordinary query
/// costs a create about 20 KB and a fifth of its CPU). EF binds a compiled query to the first model it runs
/// against; a process may hold several (the bench runs SQLite and PostgreSQL, tests start several hosts), so this
/// keeps one per model.
/// </summary>
public sealed class CompiledQuery<TQuery>(Func<TQuery> compile)
    where TQuery : class
{
    private readonly ConditionalWeakTable<IModel, TQuery> byModel = [];

    public TQuery For(PartnerDeskDb db) => byModel.GetValue(db.Model, _ => compile());
}
