using PartnerDesk.Features.Webhooks;

namespace PartnerDesk.Tests.Webhooks;

public sealed class WebhookSignatureTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_767_225_600);

    [Fact]
    public void The_signature_is_the_hex_hmac_of_time_dot_body_and_verifies_only_fresh_and_unchanged()
    {
        // HMAC-SHA256("whsec_test", "1767225600.{\"id\":1}"), computed independently (openssl dgst -sha256 -hmac).
        Assert.Equal("t=1767225600,v1=c288d7ec0b1747de22e35fbdbabba9772c8e0d64b7db67e546bc92b86c005ab8", WebhookSignature.HeaderValue("whsec_test", 1_767_225_600, "{\"id\":1}"));
        var header = WebhookSignature.HeaderValue("whsec_test", Now.ToUnixTimeSeconds(), "{\"id\":1}");
        Assert.True(WebhookSignature.Verify("whsec_test", header, "{\"id\":1}", Now, TimeSpan.FromMinutes(5)));
        Assert.False(WebhookSignature.Verify("whsec_test", header, "{\"id\":2}", Now, TimeSpan.FromMinutes(5)));
        Assert.False(WebhookSignature.Verify("whsec_other", header, "{\"id\":1}", Now, TimeSpan.FromMinutes(5)));
        Assert.False(WebhookSignature.Verify("whsec_test", header, "{\"id\":1}", Now.AddMinutes(6), TimeSpan.FromMinutes(5)));
        Assert.False(WebhookSignature.Verify("whsec_test", "v1=abc", "{\"id\":1}", Now, TimeSpan.FromMinutes(5)));
        Assert.NotEqual(WebhookSignature.NewSecret(), WebhookSignature.NewSecret());
    }
}
