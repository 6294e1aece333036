namespace PartnerDesk.Platform.Auth;

/// <summary>Whether Sign in with Microsoft is set up (an Entra app, or the simulator), for the pages that offer it.</summary>
public sealed class MicrosoftSignInOptions
{
    public const string Scheme = "Microsoft";

    public bool Available { get; set; }
}
