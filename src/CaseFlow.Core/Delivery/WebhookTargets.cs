using System.Net;
using System.Net.Sockets;

namespace CaseFlow.Core.Delivery;

/// <summary>
/// Where webhooks may go. A target is an absolute http or https URL without credentials; nothing else (file:, gopher:, javascript:)
/// is accepted. At connect time the resolved addresses are checked (so a name that resolves, or later re-resolves, to an inside
/// address is refused): loopback, private, shared (CGNAT), link-local (including the 169.254.169.254 cloud metadata service),
/// unique-local, multicast and unspecified addresses are refused unless a configured allow-list network contains them (local
/// development allows 127.0.0.1 explicitly). Redirects are never followed (a 3xx is a failed attempt).
/// </summary>
public sealed class WebhookTargets(IReadOnlyList<string> allowedNetworks)
{
    private readonly IReadOnlyList<IPNetwork> allowed = [.. allowedNetworks.Select(n => IPNetwork.Parse(n.Contains('/', StringComparison.Ordinal) ? n : $"{n}/{(IPAddress.Parse(n).AddressFamily == AddressFamily.InterNetwork ? 32 : 128)}"))];

    private static readonly IPNetwork[] Refused =
    [
        IPNetwork.Parse("0.0.0.0/8"), IPNetwork.Parse("10.0.0.0/8"), IPNetwork.Parse("100.64.0.0/10"), IPNetwork.Parse("127.0.0.0/8"), IPNetwork.Parse("169.254.0.0/16"),
        IPNetwork.Parse("172.16.0.0/12"), IPNetwork.Parse("192.0.0.0/24"), IPNetwork.Parse("192.168.0.0/16"), IPNetwork.Parse("198.18.0.0/15"), IPNetwork.Parse("224.0.0.0/3"),
        IPNetwork.Parse("::/128"), IPNetwork.Parse("::1/128"), IPNetwork.Parse("fc00::/7"), IPNetwork.Parse("fe80::/10"), IPNetwork.Parse("ff00::/8"),
    ];

    /// <summary>Why <paramref name="target"/> cannot be a webhook target, or null when it can (the address is checked again at connect time).</summary>
    public static string? Problem(string target)
    {
        if (!Uri.TryCreate(target, UriKind.Absolute, out var uri)) return "an absolute URL";
        if (uri.Scheme is not ("http" or "https")) return "an http or https URL";
        if (uri.UserInfo.Length > 0) return "a URL without user name or password";
        if (uri.Host.Length == 0) return "a URL with a host";
        return null;
    }

    /// <summary>True when CaseFlow may connect to <paramref name="address"/>.</summary>
    public bool Allows(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        return allowed.Any(n => n.Contains(address)) || !Refused.Any(n => n.Contains(address));
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
