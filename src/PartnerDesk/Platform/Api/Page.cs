namespace PartnerDesk.Platform.Api;

/// <summary>One page of a cursor-paged list: the items and the cursor of the next page, if there is one.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? NextCursor);
