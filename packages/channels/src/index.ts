export {
  AlipayChannel,
  type AlipayChannelOptions,
  type ConnectionCheck as AlipayConnectionCheck,
  type ConnectionVerdict as AlipayConnectionVerdict,
} from './alipay/alipay.channel.ts';
export * from './alipay/credentials.ts';
export {
  type AlipayGateway,
  type AlipayGatewayControl,
  type AlipayGatewayOptions,
  type BarCodeFate as AlipayBarCodeFate,
  type Buyer as AlipayBuyer,
  type BuyerFailure as AlipayBuyerFailure,
  type GatewayCall as AlipayGatewayCall,
  type GatewayFault as AlipayGatewayFault,
  type LocalAlipayApp,
  type NotificationBehaviour as AlipayNotificationBehaviour,
  type NotificationRecord as AlipayNotificationRecord,
  startAlipayGateway,
  type TradeState as AlipayGatewayTradeState,
  type TradeView as AlipayTradeView,
} from './alipay/local-gateway.ts';
export * from './card-terminal.ts';
export * from './channel.ts';
export * from './member-balance.ts';
export * from './simulator/protocol.ts';
export * from './simulator/simulator.channel.ts';
export * from './wechatpay/connection-check.ts';
export * from './wechatpay/credentials.ts';
export * from './wechatpay/local-gateway.ts';
export * from './wechatpay/wechatpay.channel.ts';
