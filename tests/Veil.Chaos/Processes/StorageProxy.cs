using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Veil.Chaos.Processes;

/// <summary>
/// Stands between Veil and Azurite on loopback. Azurite keeps its tables, queues and blob metadata in memory and
/// writes them to disk every five seconds, so a SIGKILL loses writes it had already acknowledged — something
/// Azure Storage never does. To crash storage the way the real service can fail, the chaos run first cuts every
/// connection here (requests in flight fail; new ones are refused), waits for Azurite's next save, then kills it
/// with SIGKILL and starts it again from its disk before opening the way again.
/// </summary>
public sealed class StorageProxy(IReadOnlyList<(int Public, int Upstream)> routes) : IDisposable
{
    private readonly ConcurrentDictionary<TcpClient, TcpClient> open = new();
    private readonly List<TcpListener> listeners = [];
    private CancellationTokenSource stop = new();

    public void Start()
    {
        stop = new CancellationTokenSource();
        foreach (var (publicPort, upstream) in routes)
        {
            var listener = new TcpListener(IPAddress.Loopback, publicPort);
            listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            listener.Start(512);
            listeners.Add(listener);
            _ = AcceptAsync(listener, upstream, stop.Token);
        }
    }

    /// <summary>Refuses new connections and resets every open one.</summary>
    public void Cut()
    {
        foreach (var listener in listeners)
        {
            listener.Stop();
        }

        listeners.Clear();
        try
        {
            stop.Cancel();
        }
        catch (AggregateException)
        {
            // A pipe's cancellation callback failed while its sockets were torn down: they are being reset anyway.
        }

        foreach (var (client, server) in open)
        {
            Reset(client);
            Reset(server);
        }

        open.Clear();
    }

    public void Dispose()
    {
        Cut();
        stop.Dispose();
    }

    private async Task AcceptAsync(TcpListener listener, int upstream, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(cancellationToken);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = PipeAsync(client, upstream, cancellationToken);
        }
    }

    private async Task PipeAsync(TcpClient client, int upstream, CancellationToken cancellationToken)
    {
        var server = new TcpClient();
        try
        {
            client.NoDelay = server.NoDelay = true;
            await server.ConnectAsync(IPAddress.Loopback, upstream, cancellationToken);
            open[client] = server;
            using var both = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var up = client.GetStream().CopyToAsync(server.GetStream(), both.Token);
            var down = server.GetStream().CopyToAsync(client.GetStream(), both.Token);
            await Task.WhenAny(up, down);
            await both.CancelAsync();
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
        {
            // A cut, or either side going away: the other side is closed below.
        }
        finally
        {
            open.TryRemove(client, out _);
            client.Dispose();
            server.Dispose();
        }
    }

    private static void Reset(TcpClient socket)
    {
        if (socket.Client is not { } raw)
        {
            return; // already closed by its pipe
        }

        try
        {
            raw.LingerState = new LingerOption(true, 0); // close with RST, as a dead peer's kernel would
            raw.Close();
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }
    }
}
