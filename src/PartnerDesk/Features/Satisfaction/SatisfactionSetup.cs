namespace PartnerDesk.Features.Satisfaction;

public static class SatisfactionSetup
{
    /// <summary>The signed links of resolution mails and the scope a link's page works in.</summary>
    public static IServiceCollection AddPartnerDeskSatisfaction(this IServiceCollection services)
    {
        services.AddSingleton<SurveyLinks>();
        services.AddSingleton<SurveyLinkScope>();
        return services;
    }
}
