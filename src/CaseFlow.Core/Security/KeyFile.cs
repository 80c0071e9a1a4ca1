using System.Security.Cryptography;
using Microsoft.Extensions.Logging;

namespace CaseFlow.Core.Security;

/// <summary>A secret kept outside the database: a configured base64 value, else a file created (mode 600) with fresh random bytes on first use.</summary>
public static class KeyFile
{
    public static byte[] Load(string? configured, string file, int length, ILogger log, string what)
    {
        byte[] key;
        if (configured is { Length: > 0 }) key = Convert.FromBase64String(configured);
        else
        {
            if (!File.Exists(file))
            {
                Write(file, Convert.ToBase64String(RandomNumberGenerator.GetBytes(length)));
                log.LogWarning("Created a new {What} in {KeyFile}; keep it (and back it up) outside the database", what, Path.GetFullPath(file));
            }
            key = Convert.FromBase64String(File.ReadAllText(file).Trim());
        }
        return key.Length == length ? key : throw new InvalidOperationException($"the {what} must be {length} bytes (base64)");
    }

    /// <summary>Writes a key file readable by its owner alone (mode 600), creating its folder.</summary>
    public static void Write(string file, string text)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(file))!);
        File.WriteAllText(file, text);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }
}
