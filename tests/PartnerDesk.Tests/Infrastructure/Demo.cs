namespace PartnerDesk.Tests.Infrastructure;

/// <summary>Demo accounts of DESIGN section 9.</summary>
public static class Demo
{
    public const string ContosoAdmin = "admin@contoso-cloud.example";
    public const string ContosoHelpdesk = "helpdesk@contoso-cloud.example";
    public const string ContosoSales = "sales@contoso-cloud.example";
    public const string NorthwindAdmin = "admin@northwind-distribution.example";
    public const string FabrikamAdmin = "admin@fabrikam-solutions.example";
    public const string FabrikamHelpdesk = "helpdesk@fabrikam-solutions.example";
    public const string AlpineAgent = "agent@alpine-support.example";
    public const string AdatumIt = "it@adatum.example";
    public const string AdatumAnna = "anna@adatum.example";
    public const string LitwareIt = "it@litware.example";
    public const string TailspinIt = "it@tailspintoys.example";
    public const string WideWorldIt = "it@wideworldimporters.example";
}
