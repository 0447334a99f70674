using System;
using System.Runtime.InteropServices;
using System.Security;

namespace GraphSecurity.Engine.Authentication;

public static class SecureStrings
{
    public static SecureString FromPlain(string value)
    {
        var secure = new SecureString();
        foreach (var c in value) secure.AppendChar(c);
        secure.MakeReadOnly();
        return secure;
    }

    /// <summary>The plain text of a SecureString, for handing to MSAL or an HTTP header at the last moment.</summary>
    public static string ToPlain(SecureString value)
    {
        if (value == null) throw new ArgumentNullException(nameof(value));
        var pointer = IntPtr.Zero;
        try
        {
            pointer = Marshal.SecureStringToGlobalAllocUnicode(value);
            return Marshal.PtrToStringUni(pointer);
        }
        finally
        {
            if (pointer != IntPtr.Zero) Marshal.ZeroFreeGlobalAllocUnicode(pointer);
        }
    }
}
