using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.OpenApi;
using PartnerDesk.Platform.Auth;
using Scalar.AspNetCore;

namespace PartnerDesk.Platform.Api;

public static class ApiSetup
{
    public static IServiceCollection AddPartnerDeskApi(this IServiceCollection services)
    {
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.Converters.Add(new StrictEnumConverter());
            o.SerializerOptions.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
            o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        });
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true); // so that BadRequestProblemHandler can name the field
        services.AddProblemDetails();
        services.AddExceptionHandler<BadRequestProblemHandler>();
        services.AddOpenApi(o => o.AddSchemaTransformer((schema, context, _) =>
        {
            // The generator knows only System.Text.Json's own enum converter; ours writes names too.
            var type = context.JsonTypeInfo.Type;
            var enumType = Nullable.GetUnderlyingType(type) ?? type;
            if (enumType.IsEnum)
            {
                schema.Type = type == enumType ? JsonSchemaType.String : JsonSchemaType.String | JsonSchemaType.Null;
                schema.Enum = [.. Enum.GetNames(enumType).Select(name => (System.Text.Json.Nodes.JsonNode)name)];
            }

            return Task.CompletedTask;
        }).AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "PartnerDesk API";
            document.Info.Description = "The support desk of a Microsoft CSP partner. Authenticate with POST /api/v1/auth/token or a personal access token: Authorization: Bearer <token>.";
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes = new Dictionary<string, IOpenApiSecurityScheme>
            {
                ["Bearer"] = new OpenApiSecurityScheme { Type = SecuritySchemeType.Http, Scheme = "bearer", Description = "An access token or a personal access token." },
            };
            document.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("Bearer", document)] = [] }];
            return Task.CompletedTask;
        }));
        return services;
    }

    /// <summary>The API under /api/v1, for members unless a route says otherwise; the features' routes come from the host.</summary>
    public static WebApplication MapPartnerDeskApi(this WebApplication app, Func<RouteGroupBuilder, RouteGroupBuilder> features)
    {
        var api = app.MapGroup("/api/v1")
            .RequireAuthorization(Policies.Member)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        features(api);

        app.MapOpenApi().AllowAnonymous();
        app.MapScalarApiReference("/api", o => o.WithTitle("PartnerDesk API").DisableDefaultFonts().DisableTelemetry().DisableAgent()).AllowAnonymous(); // nothing from elsewhere (CSP)
        return app;
    }

    /// <summary>
    /// The API changes state for a bearer token only. A browser sends the sign-in cookie on its own, also to a form or
    /// script another site made, and nothing in the console calls the API to change anything (its pages work on the
    /// server), so a cookie is good for reading here (downloads, the ticket form's helps) and nothing else.
    /// Runs after authentication; anonymous calls (sign-in, accepting an invitation) carry no cookie identity.
    /// </summary>
    public static IApplicationBuilder UseApiWritesByBearerOnly(this IApplicationBuilder app) =>
        app.Use((http, next) =>
        {
            if (!http.Request.Path.StartsWithSegments("/api")
                || HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method) || HttpMethods.IsOptions(http.Request.Method)
                || http.User.Identity is not { IsAuthenticated: true } identity
                || identity.AuthenticationType == ApiTokenAuthenticationHandler.SchemeName)
            {
                return next(http);
            }

            http.Response.StatusCode = StatusCodes.Status403Forbidden;
            return http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
            {
                HttpContext = http,
                ProblemDetails =
                {
                    Status = StatusCodes.Status403Forbidden,
                    Title = "A bearer token is required.",
                    Detail = "The API changes nothing for the sign-in cookie: send Authorization: Bearer <token>.",
                },
            }).AsTask();
        });

    /// <summary>
    /// Caps API bodies before they are read: a too-large one is a 413 problem, not buffered memory. The
    /// server's own limit is set where it has one; the counting stream holds on every server and for
    /// chunked bodies.
    /// </summary>
    public static IApplicationBuilder UseApiBodyLimit(this IApplicationBuilder app, PartnerDeskOptions options) =>
        app.Use((http, next) =>
        {
            if (!http.Request.Path.StartsWithSegments("/api"))
            {
                return next(http);
            }

            var limit = options.MaxRequestBodyBytes;
            if (http.Request.ContentLength > limit)
            {
                throw BodyTooLarge(limit);
            }

            if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
            {
                size.MaxRequestBodySize = limit;
            }

            http.Request.Body = new LimitedBody(http.Request.Body, limit);
            return next(http);
        });

    internal static BadHttpRequestException BodyTooLarge(long limit) =>
        new($"The request body is larger than {limit} bytes.", StatusCodes.Status413PayloadTooLarge);

    private sealed class LimitedBody(Stream inner, long limit) : Stream
    {
        private long read;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => read; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Count(await inner.ReadAsync(buffer, cancellationToken));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        private int Count(int n)
        {
            read += n;
            return read > limit ? throw BodyTooLarge(limit) : n;
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
