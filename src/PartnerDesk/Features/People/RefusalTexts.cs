namespace PartnerDesk.Features.People;

/// <summary>What a refused sign-in or invitation tells the person, in English; the pages translate it (Text.de.resx).</summary>
public static class RefusalTexts
{
    public static string English(Refusal refusal) => refusal switch
    {
        Refusal.UnknownTenant => "Your Microsoft organisation is not known here. Ask your IT partner to add your organisation as a customer.",
        Refusal.NotAnAgent => "Your Microsoft account is not an agent here yet. Ask an admin of your organisation to invite you.",
        Refusal.AgentDisabled => "Your agent account is deactivated. Ask an admin of your organisation to reactivate it.",
        Refusal.NotAContact => "Your organisation is a customer here, but you are not one of its contacts yet. Ask your IT admin to invite you.",
        Refusal.ContactDisabled => "Your access to the support portal is deactivated. Ask your IT admin to reactivate it.",
        Refusal.LinkedToAnother => "Another Microsoft account is linked to this person already. Ask an admin to check the account.",
        Refusal.InvitationUnknown => "This invitation link is not valid. Ask the person who invited you for a new one.",
        Refusal.InvitationUsed => "This invitation was used already. Sign in instead.",
        Refusal.InvitationExpired => "This invitation has expired. Ask the person who invited you to send it again.",
        Refusal.InvitationWithdrawn => "This invitation was withdrawn.",
        Refusal.InvitationOtherTenant => "This Microsoft account belongs to another organisation than the invitation. Sign in with your work account of the invited organisation.",
        Refusal.EmailTaken => "This e-mail address is used by another account already.",
        Refusal.Guest => "Guest accounts cannot sign in here. Sign in with the work account of your own organisation.",
        Refusal.InvitationNeedsMicrosoft => "Your organisation requires Sign in with Microsoft: accept the invitation with your Microsoft work account.",
        _ => "Sign-in was refused.",
    };
}
