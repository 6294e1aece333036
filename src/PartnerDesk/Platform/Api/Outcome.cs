namespace PartnerDesk.Platform.Api;

/// <summary>
/// What a handler answers, so that the API and the pages share it: a value, field errors, or
/// "not found", which is also the answer for what the caller may not see.
/// </summary>
public readonly record struct Outcome<T>(T? Value, FieldErrors? Errors, bool NotFound)
{
    public static Outcome<T> Missing => new(default, null, true);

    public bool Succeeded => Errors is null && !NotFound;

    public static implicit operator Outcome<T>(T value) => new(value, null, false);

    public static implicit operator Outcome<T>(FieldErrors errors) => new(default, errors, false);

    public IResult ToResult(Func<T, IResult> onSuccess) =>
        NotFound ? TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found.")
        : Errors is not null ? Errors.ToProblem()
        : onSuccess(Value!);
}
