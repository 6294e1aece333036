using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PartnerDesk.Features.Accounts;
using PartnerDesk.Features.Demo;
using PartnerDesk.Features.Organisations;

namespace PartnerDesk.Platform.Data;

/// <summary>At start: apply migrations, then fill an empty database with the demo world or the first admin.</summary>
public static class DatabaseStartup
{
    public static async Task PrepareDatabase(this WebApplication app)
    {
        using var scope = app.Services.CreateScope();
        var services = scope.ServiceProvider;
        var db = services.GetRequiredService<PartnerDeskDb>();
        var options = services.GetRequiredService<IOptions<PartnerDeskOptions>>().Value;
        var log = services.GetRequiredService<ILoggerFactory>().CreateLogger("PartnerDesk.Startup");

        await db.Database.MigrateAsync();
        if (db.Database.IsSqlite())
        {
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
        }

        if (await db.Organisations.IgnoreQueryFilters().AnyAsync())
        {
            return;
        }

        var demo = options.DemoMode ?? app.Environment.IsDevelopment();
        var hasher = services.GetRequiredService<IPasswordHasher<UserAccount>>();
        var clock = services.GetRequiredService<TimeProvider>();
        if (demo)
        {
            var password = options.DemoPassword ?? DemoWorld.NewPassword();
            await DemoWorld.Seed(db, hasher, password, clock);
            var banner = $"""

                PartnerDesk demo world seeded.
                  Sign in at {string.Join(", ", app.Urls.DefaultIfEmpty("http://localhost:5080"))} as admin@contoso-cloud.example (or any demo account)
                  Demo password: {password}

                """;
            Console.WriteLine(banner);
        }
        else if (options.Admin is { Email: not null, Password: not null, Organisation: not null } admin)
        {
            var users = services.GetRequiredService<UserManager<UserAccount>>();
            var kind = Enum.TryParse<OrganisationKind>(admin.OrganisationKind, true, out var k) ? k : OrganisationKind.DirectBill;
            await FirstAdmin.Create(db, users, admin, kind, clock);
            log.LogInformation("Created organisation {Organisation} with admin agent {Email}.", admin.Organisation, admin.Email);
        }
        else
        {
            log.LogWarning("The database is empty and demo mode is off: set PartnerDesk__Admin__Organisation, __Email and __Password to create the first admin.");
        }
    }
}
