using System.Net;
using CaseFlow.Core.Delivery;

namespace CaseFlow.Api.Tests;

/// <summary>
/// Where webhooks may not go (issue 11, docs/security.md), address by address: every refused range at its edges, IPv6 addresses that
/// carry an IPv4 one, the allow-list, and the targets refused already when subscribing. What the API answers for them, and the checks
/// at connect time, are in <see cref="SubscriptionTests"/>.
/// </summary>
public class WebhookTargetTests
{
    [Theory]
    [InlineData("127.0.0.1", false)]
    [InlineData("10.1.2.3", false)]
    [InlineData("172.20.0.1", false)]
    [InlineData("192.168.1.1", false)]
    [InlineData("169.254.169.254", false)]
    [InlineData("100.64.0.1", false)]
    [InlineData("0.0.0.0", false)]
    [InlineData("::1", false)]
    [InlineData("fd00:ec2::254", false)]
    [InlineData("fe80::1", false)]
    [InlineData("::ffff:10.0.0.1", false)]
    [InlineData("93.184.216.34", true)]
    [InlineData("2606:2800:220:1:248:1893:25c8:1946", true)]
    // Each refused range's first and last address, and the addresses just outside it (a range written one bit too wide or too narrow).
    [InlineData("9.255.255.255", true)]
    [InlineData("10.255.255.255", false)]
    [InlineData("11.0.0.0", true)]
    [InlineData("100.63.255.255", true)]
    [InlineData("100.127.255.255", false)]
    [InlineData("100.128.0.0", true)]
    [InlineData("126.255.255.255", true)]
    [InlineData("127.255.255.254", false)]
    [InlineData("128.0.0.0", true)]
    [InlineData("169.253.255.255", true)]
    [InlineData("169.254.0.0", false)]
    [InlineData("169.255.0.0", true)]
    [InlineData("172.15.255.255", true)]
    [InlineData("172.16.0.0", false)]
    [InlineData("172.31.255.255", false)]
    [InlineData("172.32.0.0", true)]
    [InlineData("192.0.0.8", false)]
    [InlineData("192.0.1.0", true)]
    [InlineData("192.167.255.255", true)]
    [InlineData("192.168.255.255", false)]
    [InlineData("192.169.0.0", true)]
    [InlineData("198.17.255.255", true)]
    [InlineData("198.18.0.0", false)]
    [InlineData("198.19.255.255", false)]
    [InlineData("198.20.0.0", true)]
    [InlineData("223.255.255.255", true)]
    [InlineData("224.0.0.1", false)]
    [InlineData("239.255.255.250", false)]
    [InlineData("240.0.0.1", false)]
    [InlineData("255.255.255.255", false)]
    [InlineData("::", false)]
    [InlineData("::127.0.0.1", false)]
    [InlineData("fc00::1", false)]
    [InlineData("fbff:ffff::1", true)]
    [InlineData("fe00::1", true)]
    [InlineData("febf::1", false)]
    [InlineData("fec0::1", false)] // site-local (deprecated)
    [InlineData("ff00::", false)]
    [InlineData("ff02::1", false)]
    // IPv6 addresses that carry an IPv4 one a gateway forwards to: judged as that address.
    [InlineData("::ffff:169.254.169.254", false)]
    [InlineData("64:ff9b::a9fe:a9fe", false)]
    [InlineData("64:ff9b::7f00:1", false)]
    [InlineData("64:ff9b::5db8:d822", true)]
    [InlineData("64:ff9b:1::a00:1", false)]
    [InlineData("2002:a9fe:a9fe::1", false)]
    [InlineData("2002:c0a8:101::", false)]
    [InlineData("2002:5db8:d822::1", true)]
    [InlineData("2001:0:4136:e378:8000:63bf:3fff:fdd2", false)]
    [InlineData("100::1", false)]
    public void InsideAddresses_AreRefused_UnlessAllowed(string address, bool allowed)
    {
        Assert.Equal(allowed, new WebhookTargets([]).Allows(IPAddress.Parse(address)));
        Assert.False(new WebhookTargets(["fd00::1", "10.0.0.1"]).Allows(IPAddress.Parse("fd00::2"))); // one address allowed is that address only
        Assert.False(new WebhookTargets(["fd00::1", "10.0.0.1"]).Allows(IPAddress.Parse("10.0.0.2")));
        Assert.True(new WebhookTargets([address]).Allows(IPAddress.Parse(address))); // the allow-list opens any address ...
        Assert.True(new WebhookTargets(["0.0.0.0/0", "::/0"]).Allows(IPAddress.Parse(address))); // ... and any network
        if (!allowed) Assert.False(new WebhookTargets(["203.0.113.0/24", "2001:db8::/32"]).Allows(IPAddress.Parse(address))); // and only what it names
    }

    [Theory]
    [InlineData("http://127.0.0.1:9/hook", true)]
    [InlineData("http://localhost:9/hook", true)]
    [InlineData("http://[::ffff:127.0.0.1]:9/hook", true)]
    [InlineData("http://[::1]:9/hook", false)] // the allow-list names 127.0.0.1, not ::1
    [InlineData("http://127.0.0.2:9/hook", false)]
    [InlineData("http://api.localhost:9/hook", true)]
    public void ALoopbackTarget_IsAcceptedWhenSubscribing_OnlyWhereTheAllowListReachesIt(string target, bool accepted)
    {
        Assert.Equal(accepted, new WebhookTargets(["127.0.0.1"]).Problem(target) is null);
        Assert.NotNull(new WebhookTargets([]).Problem(target));
        Assert.Null(new WebhookTargets([]).Problem("https://hooks.example.kz/caseflow")); // a name is checked when it is resolved
    }
}
