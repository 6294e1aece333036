namespace PartnerDesk.Platform.Api;

/// <summary>
/// What a handler answers, so that the API and the pages share it: a value, field errors, "not found"
/// (also the answer for what the caller may not see), or a conflict with the state of things (409).
/// </summary>
public readonly record struct Outcome<T>(T? Value, FieldErrors? Errors, bool NotFound, string? ConflictDetail = null)
{
    public static Outcome<T> Missing => new(default, null, true);

    public static Outcome<T> Conflict(string detail) => new(default, null, false, detail);

    public bool Succeeded => Errors is null && !NotFound && ConflictDetail is null;

    public static implicit operator Outcome<T>(T value) => new(value, null, false);

    public static implicit operator Outcome<T>(FieldErrors errors) => new(default, errors, false);

    public IResult ToResult(Func<T, IResult> onSuccess) =>
        NotFound ? TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found.")
        : Errors is not null ? Errors.ToProblem()
        : ConflictDetail is not null ? TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Conflict.", detail: ConflictDetail)
        : onSuccess(Value!);
}
