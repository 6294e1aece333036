using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using PartnerDesk.Platform.Tenancy;

namespace PartnerDesk.Platform.Data;

/// <summary>
/// A feature's say in who sees its entities. Each feature has one class that implements it (in its
/// <c>…Model.cs</c>); the database context finds them all. Rules are written only through
/// <see cref="Visibility"/>, so every one of them starts from the caller's organisation.
/// </summary>
public interface IVisibilityRules
{
    void Declare(Visibility visible);
}

/// <summary>
/// The two rules of isolation, the only way an entity gets a query filter: <see cref="OwnedByOrganisation{T}"/>
/// and <see cref="ReachableCustomer{T}"/>. A feature may narrow either with a condition of its own (written
/// over the context, <c>(db, e) => !db.CallerIsContact</c>), never widen it. A caller that was never
/// identified has no organisation and matches nothing: the rules fail closed.
/// </summary>
public sealed class Visibility
{
    private readonly ModelBuilder model;

    // The filters' reference to the context, as a lambda written in OnModelCreating would hold it: EF replaces
    // it with the context that runs each query, so the caller is read per query, never from this instance.
    private readonly ConstantExpression context;

    internal Visibility(ModelBuilder model, PartnerDeskDb db)
    {
        this.model = model;
        context = Expression.Constant(db, typeof(PartnerDeskDb));
    }

    /// <summary>The entity belongs to the caller's organisation (and, when given, meets the condition).</summary>
    public void OwnedByOrganisation<T>(Expression<Func<PartnerDeskDb, T, bool>>? andAlso = null)
        where T : class, IOrganisationOwned
    {
        Expression<Func<PartnerDeskDb, T, bool>> rule = (db, e) => e.OrganisationId == db.CallerOrganisationId;
        Apply(rule, andAlso);
    }

    /// <summary>
    /// The one rule of who reaches which customer: admins and sales agents every customer of their
    /// organisation; helpdesk agents those reached through an active GDAP access assignment of one of their
    /// groups with a support role, in an active relationship that has not ended; contacts their own.
    /// </summary>
    public void ReachableCustomer<T>(Expression<Func<T, Guid>> customerId, Expression<Func<PartnerDeskDb, T, bool>>? andAlso = null)
        where T : class, IOrganisationOwned
    {
        Expression<Func<PartnerDeskDb, T, Guid, bool>> reach = (db, e, cid) =>
            e.OrganisationId == db.CallerOrganisationId
            && (db.CallerSeesAllCustomers
                || (db.CallerIsContact && cid == db.CallerCustomerId)
                || (db.CallerIsHelpdeskAgent && db.Set<DelegatedAdminAccessAssignment>().Any(a =>
                    a.CustomerId == cid
                    && a.Status == DelegatedAdminAccessAssignmentStatus.Active
                    && a.Relationship!.Status == DelegatedAdminRelationshipStatus.Active
                    && (a.Relationship.EndDateTime == null || a.Relationship.EndDateTime > db.Now)
                    && a.UnifiedRoles.Any(r => r == EntraRoles.HelpdeskAdministrator || r == EntraRoles.ServiceSupportAdministrator)
                    && db.Set<SecurityGroupMember>().Any(m => m.SecurityGroupId == a.AccessContainerId && m.AgentId == db.CallerUserId))));

        // (db, e) => reach(db, e, customerId(e))
        var rule = Expression.Lambda<Func<PartnerDeskDb, T, bool>>(
            new Replace(reach.Parameters[2], new Replace(customerId.Parameters[0], reach.Parameters[1]).Visit(customerId.Body)).Visit(reach.Body),
            reach.Parameters[0], reach.Parameters[1]);
        Apply(rule, andAlso);
    }

    private void Apply<T>(Expression<Func<PartnerDeskDb, T, bool>> rule, Expression<Func<PartnerDeskDb, T, bool>>? andAlso)
        where T : class
    {
        var entity = rule.Parameters[1];
        Expression body = rule.Body;
        if (andAlso is not null)
        {
            body = Expression.AndAlso(body,
                new Replace(andAlso.Parameters[1], entity).Visit(new Replace(andAlso.Parameters[0], rule.Parameters[0]).Visit(andAlso.Body)));
        }

        var filter = Expression.Lambda<Func<T, bool>>(new Replace(rule.Parameters[0], context).Visit(body), entity);
        if (model.Entity<T>().Metadata.GetDeclaredQueryFilters().Count > 0)
        {
            throw new InvalidOperationException($"{typeof(T).Name} has a visibility rule already: one entity, one rule.");
        }

        model.Entity<T>().HasQueryFilter(filter);
    }

    private sealed class Replace(ParameterExpression from, Expression to) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => node == from ? to : node;
    }
}
