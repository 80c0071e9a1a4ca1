using System.Net;
using System.Net.Sockets;

namespace CaseFlow.Core.Delivery;

/// <summary>
/// Where webhooks may go. A target is an absolute http or https URL without credentials; nothing else (file:, gopher:, javascript:)
/// is accepted. At connect time the resolved addresses are checked (so a name that resolves, or later re-resolves, to an inside
/// address is refused): loopback, private, shared (CGNAT), link-local (including the 169.254.169.254 cloud metadata service), site-local,
/// unique-local, multicast and unspecified addresses are refused unless a configured allow-list network contains them (local
/// development allows 127.0.0.1 explicitly). An IPv6 address that carries an IPv4 one a gateway forwards to (IPv4-mapped, NAT64
/// <c>64:ff9b::/96</c>, 6to4 <c>2002::/16</c>) is judged as that IPv4 address; IPv4-compatible (<c>::/96</c>), local-use NAT64 and
/// Teredo addresses are refused. A target written as an address (<c>http://10.0.0.1/</c>, <c>http://2852039166/</c>) or as
/// <c>localhost</c> is refused already when subscribing; a name is checked each time it is resolved. Redirects are never followed (a 3xx
/// is a failed attempt).
/// </summary>
public sealed class WebhookTargets(IReadOnlyList<string> allowedNetworks)
{
    private readonly IReadOnlyList<IPNetwork> allowed = [.. allowedNetworks.Select(Network)];

    /// <summary>An allow-list entry: a network, or one address (an IPv4-mapped one as its IPv4 address, as connections are judged).</summary>
    private static IPNetwork Network(string entry)
    {
        if (entry.Contains('/', StringComparison.Ordinal)) return IPNetwork.Parse(entry);
        var address = IPAddress.Parse(entry);
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        return new IPNetwork(address, address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128);
    }

    private static readonly IPNetwork[] Refused =
    [
        IPNetwork.Parse("0.0.0.0/8"), IPNetwork.Parse("10.0.0.0/8"), IPNetwork.Parse("100.64.0.0/10"), IPNetwork.Parse("127.0.0.0/8"), IPNetwork.Parse("169.254.0.0/16"),
        IPNetwork.Parse("172.16.0.0/12"), IPNetwork.Parse("192.0.0.0/24"), IPNetwork.Parse("192.168.0.0/16"), IPNetwork.Parse("198.18.0.0/15"), IPNetwork.Parse("224.0.0.0/3"),
        IPNetwork.Parse("::/96"), IPNetwork.Parse("64:ff9b:1::/48"), IPNetwork.Parse("100::/64"), IPNetwork.Parse("2001::/32"), IPNetwork.Parse("fc00::/7"),
        IPNetwork.Parse("fe80::/10"), IPNetwork.Parse("fec0::/10"), IPNetwork.Parse("ff00::/8"),
    ];

    private static readonly IPNetwork Nat64 = IPNetwork.Parse("64:ff9b::/96");
    private static readonly IPNetwork SixToFour = IPNetwork.Parse("2002::/16");

    /// <summary>Why <paramref name="target"/> is not a well-formed webhook target, or null when it is (where it points is <see cref="Problem"/>'s part).</summary>
    public static string? FormatProblem(string target) => FormatProblem(target, out _);

    private static string? FormatProblem(string target, out Uri? uri)
    {
        if (!Uri.TryCreate(target, UriKind.Absolute, out uri)) return "an absolute URL";
        if (uri.Scheme is not ("http" or "https")) return "an http or https URL";
        if (uri.UserInfo.Length > 0) return "a URL without user name or password";
        if (uri.Host.Length == 0) return "a URL with a host";
        return null;
    }

    /// <summary>
    /// Why <paramref name="target"/> cannot be a webhook target, or null when it can: <see cref="FormatProblem"/>, then a target written
    /// as an address (or <c>localhost</c>) that <see cref="Allows"/> refuses. A name is checked again each time it is resolved.
    /// </summary>
    public string? Problem(string target)
    {
        if (FormatProblem(target, out var parsed) is { } problem) return problem;
        var uri = parsed!;
        IPAddress[] addresses = uri.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6 ? [IPAddress.Parse(uri.IdnHost)]
            : uri.IdnHost.Equals("localhost", StringComparison.OrdinalIgnoreCase) || uri.IdnHost.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase)
                ? [IPAddress.Loopback, IPAddress.IPv6Loopback] : [];
        // As when connecting: refused when no address the host stands for may be reached (localhost: 127.0.0.1 or ::1).
        return addresses.Length > 0 && !addresses.Any(Allows) ? "a URL CaseFlow may send to (not a loopback, private, link-local or metadata address)" : null;
    }

    /// <summary>True when CaseFlow may connect to <paramref name="address"/>.</summary>
    public bool Allows(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (allowed.Any(n => n.Contains(address))) return true;
        if (Refused.Any(n => n.Contains(address))) return false;
        return Carried(address) is not { } inner || Allows(inner);
    }

    /// <summary>The IPv4 address a NAT64 or 6to4 address carries (a gateway forwards to it), or null.</summary>
    private static IPAddress? Carried(IPAddress address)
    {
        var bytes = address.GetAddressBytes();
        if (Nat64.Contains(address)) return new IPAddress(bytes.AsSpan(12, 4));
        if (SixToFour.Contains(address)) return new IPAddress(bytes.AsSpan(2, 4));
        return null;
    }

    /// <summary>The handler for the "webhooks" HTTP client: no redirects, and every connection to an address <see cref="Allows"/> only.</summary>
    public SocketsHttpHandler Handler() => new()
    {
        AllowAutoRedirect = false,
        UseCookies = false,
        PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        ConnectCallback = async (context, ct) =>
        {
            var host = context.DnsEndPoint.Host;
            var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, ct);
            var usable = addresses.Where(Allows).ToArray();
            if (usable.Length == 0) throw new HttpRequestException($"webhook target {host} resolves only to addresses CaseFlow does not send to (internal, loopback, link-local or metadata)");
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(usable, context.DnsEndPoint.Port, ct);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };
}
